"""Results that htmx refreshes are announced: a screen reader reads a live region's changes only
if the region stays in the page, so the element htmx replaces whole (`outerHTML`) sits inside
the live region instead of being it."""

import re
from html.parser import HTMLParser

import pytest

from tests.factories import PatientFactory
from treatments.models import Protocol

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Ancestry(HTMLParser):
    """Reads a page for the element with `id`: its attributes, and those of the elements around it."""

    def __init__(self, id: str) -> None:
        super().__init__()
        self.id, self.open = id, []
        self.element, self.around = None, []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id") == self.id and self.element is None:
            self.element, self.around = attributes, [around for _, around in self.open]
        if tag not in VOID:
            self.open.append((tag, attributes))

    def handle_endtag(self, tag):
        while self.open and self.open.pop()[0] != tag:
            pass


@pytest.mark.parametrize(
    "path", ["/appointments/new/", "/formulations/new/", "/plans/new/?patient={patient}&protocol={protocol}"]
)
def test_results_htmx_replaces_sit_inside_a_live_region(client, derek, path):
    patient = PatientFactory()
    protocol = Protocol.objects.get(name="Skin rejuvenation")
    client.force_login(derek)
    html = client.get(path.format(patient=patient.pk, protocol=protocol.pk)).content.decode()
    targets = set(re.findall(r'data-hx-target="#([\w-]+)"\s+data-hx-swap="outerHTML"', html))
    assert targets, "no element is replaced whole on this page"

    for target in targets:
        ancestry = Ancestry(target)
        ancestry.feed(html)
        assert "aria-live" not in ancestry.element, f"#{target} is the live region htmx replaces"
        assert any(around.get("aria-live") == "polite" for around in ancestry.around), f"#{target} is in no live region"
