"""The prep list on /today/ names the cocktail version that will be given."""

from decimal import Decimal

from tests.treatments.cocktail_forms import VITAMIN_B1, ZINC, ingredient
from tests.treatments.test_aftercare import book, course
from treatments.cocktails import LineSpec, revise_formulation


def test_the_prep_list_shows_the_revised_cocktail(client, derek, alice):
    plan = course(alice, derek, ingredients=[VITAMIN_B1, ZINC])
    book(plan.sessions.get(number=1), derek, days_ahead=0)
    revise_formulation(
        formulation=plan.formulation,
        name=plan.formulation.name,
        indication=plan.formulation.indication,
        total_volume_ml=plan.formulation.total_volume_ml,
        lines=[LineSpec(ingredient(ZINC), Decimal(2), "mg")],
        revised_by=derek,
    )
    client.force_login(derek)

    page = client.get("/today/").content.decode()

    assert f"prepare <strong>{plan.formulation.name} (v2)</strong>: Zinc 2 mg" in page
    assert "Vitamin B1" not in page
