"""Only dermatologists compose and read cocktails; everyone else is turned away."""

import pytest

from tests.factories import FormulationFactory
from tests.treatments.cocktail_forms import VITAMIN_C, ZINC, cocktail_form
from treatments.models import Formulation

NOBODYS_ID = "8f0c3a5e-1111-4c2b-9d7e-000000000000"  # no patient has it
PAGES = ["/formulations/", "/formulations/new/", "/formulations/{id}/", "/formulations/{id}/edit/"]


@pytest.fixture
def cocktail(alice, derek):
    return FormulationFactory(name="Alice's glow", patient=alice, created_by=derek, ingredients=[VITAMIN_C])


@pytest.mark.parametrize("page", PAGES)
def test_dermatologist_opens_the_cocktail_pages(client, derek, cocktail, page):
    client.force_login(derek)
    assert client.get(page.format(id=cocktail.pk)).status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["charlie", "alice"])
def test_front_desk_and_patients_are_forbidden(client, charlie, alice, cocktail, page, who):
    client.force_login(charlie if who == "charlie" else alice.portal_user)
    assert client.get(page.format(id=cocktail.pk)).status_code == 403


@pytest.mark.parametrize("who", ["charlie", "alice"])
def test_front_desk_and_patients_cannot_write(client, charlie, alice, cocktail, who):
    client.force_login(charlie if who == "charlie" else alice.portal_user)
    assert client.post("/formulations/new/", cocktail_form((ZINC, "1", "mg"))).status_code == 403
    assert client.post(f"/formulations/{cocktail.pk}/edit/", cocktail_form((ZINC, "1", "mg"))).status_code == 403
    assert client.post("/formulations/preview/", cocktail_form((ZINC, "1", "mg"))).status_code == 403
    assert list(Formulation.objects.all()) == [cocktail]
    assert [line.ingredient.name for line in cocktail.lines.all()] == [VITAMIN_C]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_sign_in(client, cocktail, page):
    url = page.format(id=cocktail.pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("page", ["/formulations/999999/", "/formulations/999999/edit/"])
def test_unknown_cocktail_is_not_found(client, derek, page):
    client.force_login(derek)
    assert client.get(page).status_code == 404
    assert client.post("/formulations/999999/acknowledge/", {"finding_key": "x", "reason": "y"}).status_code == 404


@pytest.mark.parametrize("who", ["derek", "anonymous"])
def test_acknowledge_and_preview_take_only_post(client, derek, cocktail, who):
    if who == "derek":
        client.force_login(derek)
    assert client.get(f"/formulations/{cocktail.pk}/acknowledge/").status_code == 405
    assert client.get("/formulations/preview/").status_code == 405


@pytest.mark.parametrize(
    "query",
    [f"?patient={NOBODYS_ID}", "?patient=not-a-uuid", "?from=999999", "?from=abc"],
)
def test_new_cocktail_from_an_unknown_patient_or_template_is_not_found(client, derek, query):
    client.force_login(derek)
    assert client.get(f"/formulations/new/{query}").status_code == 404


def test_posting_for_an_unknown_patient_saves_nothing(client, derek):
    client.force_login(derek)
    data = cocktail_form((ZINC, "1", "mg")) | {"patient": NOBODYS_ID}
    assert client.post("/formulations/new/", data).status_code == 404
    assert client.post("/formulations/preview/", data).status_code == 404
    assert not Formulation.objects.exists()
