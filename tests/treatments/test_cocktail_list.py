"""/formulations/: the clinic's templates and the recent patient cocktails, filtered."""

import pytest

from tests.factories import FormulationFactory, PatientFactory
from tests.treatments.cocktail_forms import GLUTATHIONE, TRANEXAMIC_ACID, VITAMIN_B1, VITAMIN_C, ZINC, ingredient

# session, user, groups, the filter's ingredients, templates, their lines with ingredients,
# patient cocktails with patients, their lines with ingredients
LIST_QUERIES = 8


def listed(response) -> set[str]:
    context = response.context
    return {f.name for f in context["templates"]} | {f.name for f in context["patient_cocktails"]}


@pytest.mark.parametrize("cocktails", [5, 100])
def test_list_queries_stay_flat(client, derek, django_assert_max_num_queries, cocktails):
    for number in range(cocktails):
        FormulationFactory(
            name=f"Cocktail {number:03}",
            patient=PatientFactory() if number % 2 else None,
            created_by=derek,
            ingredients=[VITAMIN_C, ZINC, GLUTATHIONE],
        )
    client.force_login(derek)

    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get("/formulations/")

    assert response.status_code == 200
    assert len(response.context["templates"]) == cocktails - cocktails // 2
    assert len(response.context["patient_cocktails"]) == min(cocktails // 2, 20)  # the 20 most recent
    assert response.content.decode().count("Vitamin C (ascorbic acid), Zinc, Glutathione") == len(
        response.context["templates"]
    ) + len(response.context["patient_cocktails"])


@pytest.fixture
def cocktails(derek, alice):
    FormulationFactory(name="Melasma", indication="pigmentation", created_by=derek, ingredients=[TRANEXAMIC_ACID])
    FormulationFactory(name="Glow", indication="rejuvenation", created_by=derek, ingredients=[VITAMIN_C, ZINC])
    FormulationFactory(name="Scalp", indication="hair_loss", created_by=derek, ingredients=[VITAMIN_B1, ZINC])
    FormulationFactory(
        name="Alice's melasma",
        indication="pigmentation",
        patient=alice,
        created_by=derek,
        ingredients=[VITAMIN_C, GLUTATHIONE],
    )
    FormulationFactory(name="Alice's scalp", indication="hair_loss", patient=alice, created_by=derek)


def test_list_shows_templates_and_patient_cocktails(client, derek, alice, cocktails):
    client.force_login(derek)
    response = client.get("/formulations/")
    assert [f.name for f in response.context["templates"]] == ["Scalp", "Melasma", "Glow"]  # by indication
    assert {f.name for f in response.context["patient_cocktails"]} == {"Alice's melasma", "Alice's scalp"}
    assert f'href="/patients/{alice.pk}/"' in response.content.decode()


def test_filter_by_indication_lists_only_matching_cocktails(client, derek, cocktails):
    client.force_login(derek)
    response = client.get("/formulations/", {"indication": "pigmentation"})
    assert listed(response) == {"Melasma", "Alice's melasma"}
    page = response.content.decode()
    assert "Glow" not in page
    assert "Scalp" not in page


def test_filter_by_ingredient_lists_only_cocktails_containing_it(client, derek, cocktails):
    client.force_login(derek)
    assert listed(client.get("/formulations/", {"ingredient": ingredient(ZINC).pk})) == {"Glow", "Scalp"}
    assert listed(client.get("/formulations/", {"ingredient": ingredient(VITAMIN_C).pk})) == {
        "Glow",
        "Alice's melasma",
    }


def test_filters_combine(client, derek, cocktails):
    client.force_login(derek)
    response = client.get("/formulations/", {"indication": "hair_loss", "ingredient": ingredient(ZINC).pk})
    assert listed(response) == {"Scalp"}
    response = client.get("/formulations/", {"indication": "rejuvenation", "ingredient": ingredient(VITAMIN_B1).pk})
    assert listed(response) == set()
    assert "No template matches these filters." in response.content.decode()


def test_list_shows_only_the_latest_version(client, derek):
    version_1 = FormulationFactory(name="Melasma", created_by=derek, ingredients=[VITAMIN_C])
    version_1.freeze()
    version_2 = FormulationFactory(
        name="Melasma",
        created_by=derek,
        lineage=version_1.lineage,
        version=2,
        previous_version=version_1,
        ingredients=[VITAMIN_C, ZINC],
    )
    client.force_login(derek)

    response = client.get("/formulations/")

    assert list(response.context["templates"]) == [version_2]
    assert "Melasma (v2)" in response.content.decode()
