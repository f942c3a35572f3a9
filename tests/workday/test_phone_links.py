"""The chart's phone number is a link a phone can dial: its tel: address has no spaces."""

import pytest

from clinic.templatetags.phones import tel_href
from tests.factories import PatientFactory


def test_the_chart_links_the_phone_number_without_its_spaces(client, charlie):
    patient = PatientFactory(phone="01 23 45 67 89")
    client.force_login(charlie)

    chart = client.get(f"/patients/{patient.pk}/").content.decode()

    assert '<a href="tel:0123456789">01 23 45 67 89</a>' in chart


@pytest.mark.parametrize(
    ("written", "address"),
    [
        ("06.12.34.56.78", "tel:0612345678"),
        ("+33 1 23 45 67 89", "tel:+33123456789"),
        ("+33 (0)1 23-45-67-89", "tel:+33123456789"),
        ("0033 1 23 45 67 89", "tel:+33123456789"),
    ],
)
def test_a_phone_number_written_any_way_gets_a_dialable_address(written, address):
    assert tel_href(written) == address
