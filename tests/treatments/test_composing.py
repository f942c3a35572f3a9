"""Composing a cocktail on /formulations/new/: the dose limits and the rules of a whole
cocktail refuse it with a message, and nothing is saved."""

import pytest
from django.utils import timezone

from patients.models import Patient
from tests.factories import FormulationFactory, IngredientFactory, PatientFactory
from tests.treatments.cocktail_forms import (
    GLUTATHIONE,
    HYALURONIC_ACID,
    TRANEXAMIC_ACID,
    VITAMIN_B1,
    VITAMIN_C,
    ZINC,
    cocktail_form,
    ingredient,
)
from treatments.models import Formulation, FormulationLine, Ingredient


def assert_nothing_saved():
    assert not Formulation.objects.exists()
    assert not FormulationLine.objects.exists()


def test_dermatologist_saves_a_clinic_template(client, derek):
    client.force_login(derek)
    response = client.post(
        "/formulations/new/",
        cocktail_form((TRANEXAMIC_ACID, "4", "mg/mL"), (VITAMIN_C, "3", "%"), (GLUTATHIONE, "2", "%")),
    )

    formulation = Formulation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/formulations/{formulation.pk}/"
    assert formulation.is_template
    assert (formulation.name, formulation.indication, formulation.version) == ("Melasma, spring", "pigmentation", 1)
    assert formulation.created_by == derek
    assert [(line.ingredient.name, line.amount, line.unit) for line in formulation.lines.all()] == [
        (TRANEXAMIC_ACID, 4, "mg/mL"),
        (VITAMIN_C, 3, "%"),
        (GLUTATHIONE, 2, "%"),
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Melasma, spring is saved." in page
    assert "Clinic template" in page


def test_dose_above_the_maximum_is_refused_naming_ingredient_amount_and_limit(client, derek):
    client.force_login(derek)
    response = client.post("/formulations/new/", cocktail_form((VITAMIN_C, "5", "%")))

    message = "Vitamin C (ascorbic acid): 5 % is above the maximum per mL (3 %)."
    assert response.status_code == 200
    assert response.context["lines"].forms[0].errors == {"amount": [message]}  # beside the amount
    assert message in response.content.decode()
    assert_nothing_saved()


def test_dose_at_the_maximum_is_accepted(client, derek):
    client.force_login(derek)
    response = client.post("/formulations/new/", cocktail_form((VITAMIN_C, "3", "%")))
    assert response.status_code == 302
    assert Formulation.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "amount", "unit", "message"),
    [
        (TRANEXAMIC_ACID, "11", "%", "Tranexamic acid: 11 % is above the maximum per mL (50 mg/mL)."),
        (
            HYALURONIC_ACID,
            "3.3",
            "%",
            "Hyaluronic acid, non-cross-linked: 3.3 % is above the maximum per mL (32 mg/mL).",
        ),
        (VITAMIN_C, "40", "mg/mL", "Vitamin C (ascorbic acid): 40 mg/mL is above the maximum per mL (3 %)."),
        (ZINC, "1", "mg", None),  # 0.5 mg/mL, 1 mg in the session
        (VITAMIN_C, "30", "mg/mL", None),  # 3 %
        (TRANEXAMIC_ACID, "4.5", "%", None),  # 45 mg/mL, 90 mg in the 2 mL
        (HYALURONIC_ACID, "0.4", "%", None),  # 4 mg/mL
    ],
)
def test_dose_limit_applies_after_converting_percent_to_mg_per_ml(client, derek, name, amount, unit, message):
    client.force_login(derek)
    response = client.post("/formulations/new/", cocktail_form((name, amount, unit)))
    if message:
        assert response.status_code == 200
        assert message in response.content.decode()
        assert_nothing_saved()
    else:
        assert response.status_code == 302
        line = FormulationLine.objects.get()
        assert (line.ingredient.name, f"{line.amount.normalize():f}", line.unit) == (name, amount, unit)


@pytest.mark.parametrize(
    ("lines", "fields", "message"),
    [
        (
            [(VITAMIN_C, "1", "%"), (VITAMIN_C, "2", "%")],
            {},
            "Vitamin C (ascorbic acid) appears on 2 lines; put it on one line.",
        ),
        ([(VITAMIN_C, "0", "%")], {}, "Enter an amount above zero."),
        ([(VITAMIN_C, "-1", "%")], {}, "Enter an amount above zero."),
        ([(VITAMIN_C, "1", "IU")], {}, "Vitamin C (ascorbic acid) is measured in %; IU does not convert to it."),
        ([(VITAMIN_B1, "5", "mL")], {}, "Vitamin B1 (thiamine) is measured in mg; mL does not convert to it."),
        ([], {}, "Add at least one ingredient."),
        ([(VITAMIN_C, "1", "%", True)], {}, "Add at least one ingredient."),  # the only line is removed
        ([(VITAMIN_C, "1", "%")], {"total_volume_ml": "0.4"}, "The total volume must be at least 0.5 mL."),
        ([(VITAMIN_C, "1", "%")], {"total_volume_ml": "20.5"}, "The total volume must be at most 20 mL."),
        ([(VITAMIN_C, "1", "%")], {"name": ""}, "This field is required."),
    ],
    ids=[
        "duplicate ingredient",
        "zero amount",
        "negative amount",
        "IU for a percentage",
        "mL for a mass",
        "no lines",
        "only line removed",
        "volume 0.4 mL",
        "volume 20.5 mL",
        "no name",
    ],
)
def test_cocktail_breaking_a_rule_is_refused_with_its_message(client, derek, lines, fields, message):
    client.force_login(derek)
    response = client.post("/formulations/new/", cocktail_form(*lines, **fields))

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Nothing was saved" in page
    assert_nothing_saved()


def test_lines_measured_in_ml_cannot_exceed_the_total_volume(client, derek):
    IngredientFactory(name="Saline (NaCl 0.9 %)", unit="mL")
    IngredientFactory(name="Procaine solution", unit="mL")
    client.force_login(derek)
    too_much = cocktail_form(
        ("Saline (NaCl 0.9 %)", "1.5", "mL"), ("Procaine solution", "1", "mL"), total_volume_ml="2"
    )

    response = client.post("/formulations/new/", too_much)

    assert response.status_code == 200
    assert "The lines measured in mL add up to 2.5 mL, more than the total volume of 2 mL." in response.content.decode()
    assert_nothing_saved()
    assert client.post("/formulations/new/", too_much | {"total_volume_ml": "2.5"}).status_code == 302


def test_refused_cocktail_keeps_what_was_typed(client, derek):
    client.force_login(derek)
    response = client.post(
        "/formulations/new/", cocktail_form((ZINC, "2", "mg"), (VITAMIN_C, "5", "%"), name="Zinc and C")
    )
    page = response.content.decode()
    assert 'value="Zinc and C"' in page
    assert 'name="lines-TOTAL_FORMS" value="2"' in page
    assert 'name="lines-1-amount" value="5"' in page


def test_inactive_ingredient_cannot_be_added(client, derek):
    Ingredient.objects.filter(name=ZINC).update(active=False)
    client.force_login(derek)
    response = client.post("/formulations/new/", cocktail_form((ZINC, "1", "mg")))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert_nothing_saved()


class TestPatientCocktail:
    """A patient's own cocktail is checked against their allergies and contraindications."""

    def test_block_finding_refuses_the_cocktail_with_the_reason(self, client, derek, alice):
        alice.allergens.add(ingredient(VITAMIN_B1).own_allergen)
        client.force_login(derek)

        response = client.post(
            "/formulations/new/", cocktail_form((VITAMIN_B1, "5", "mg"), (ZINC, "1", "mg"), patient=alice)
        )

        assert response.status_code == 200
        assert (
            "This cocktail cannot be given to this patient: Allergic to Vitamin B1 (thiamine)."
            in response.content.decode()
        )
        assert_nothing_saved()

    def test_patient_under_18_cannot_have_a_cocktail(self, client, derek):
        today = timezone.localdate()
        minor = PatientFactory(date_of_birth=today.replace(year=today.year - 16, day=1))
        client.force_login(derek)

        response = client.post("/formulations/new/", cocktail_form((ZINC, "1", "mg"), patient=minor))

        assert response.status_code == 200
        assert "This cocktail cannot be given to this patient: Age under 18." in response.content.decode()
        assert_nothing_saved()

    def test_cocktail_without_the_allergen_is_saved_for_the_patient(self, client, derek, alice):
        alice.allergens.add(ingredient(VITAMIN_B1).own_allergen)
        client.force_login(derek)

        response = client.post("/formulations/new/", cocktail_form((ZINC, "1", "mg"), patient=alice))

        formulation = Formulation.objects.get()
        assert response.status_code == 302
        assert formulation.patient == alice
        chart = client.get(f"/patients/{alice.pk}/").content.decode()
        assert f'href="/formulations/{formulation.pk}/"' in chart

    def test_warn_finding_saves_and_the_page_asks_for_an_acknowledgement(self, client, derek, alice):
        Patient.objects.filter(pk=alice.pk).update(skin_type=Patient.SkinType.IV)
        client.force_login(derek)

        response = client.post("/formulations/new/", cocktail_form((VITAMIN_C, "2", "%"), patient=alice))

        formulation = Formulation.objects.get()
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "Warning:</strong> Fitzpatrick skin type IV to VI." in page
        assert f'action="/formulations/{formulation.pk}/acknowledge/"' in page
        assert "Acknowledge this warning" in page


def test_dose_limit_applies_after_converting_micrograms_to_milligrams(client, derek):
    IngredientFactory(name="Copper peptide", unit="mg", max_per_ml=10, max_per_session=10)
    client.force_login(derek)

    refused = client.post("/formulations/new/", cocktail_form(("Copper peptide", "10500", "µg")))
    assert "Copper peptide: 10.5 mg in a session is above the maximum per session (10 mg)." in refused.content.decode()
    assert_nothing_saved()

    assert client.post("/formulations/new/", cocktail_form(("Copper peptide", "9500", "µg"))).status_code == 302


@pytest.mark.parametrize(
    ("line", "volume", "messages"),
    [
        (
            (TRANEXAMIC_ACID, "100", "mg/mL"),
            "20",
            [
                "Tranexamic acid: 100 mg/mL is above the maximum per mL (50 mg/mL).",
                "Tranexamic acid: 2000 mg in a session (100 mg/mL × 20 mL) is above the maximum per session (150 mg).",
            ],
        ),
        (
            (TRANEXAMIC_ACID, "50", "mg/mL"),
            "20",
            ["Tranexamic acid: 1000 mg in a session (50 mg/mL × 20 mL) is above the maximum per session (150 mg)."],
        ),
        (
            (VITAMIN_B1, "9999999", "mg"),
            "0.5",
            [
                "Vitamin B1 (thiamine): 9999999 mg in 0.5 mL (19999998 mg/mL) is above the maximum per mL (5 mg/mL).",
                "Vitamin B1 (thiamine): 9999999 mg in a session is above the maximum per session (10 mg).",
            ],
        ),
    ],
    ids=["tranexamic acid 2 g", "tranexamic acid 1 g", "thiamine absurd"],
)
def test_a_dose_is_limited_per_ml_and_per_session(client, derek, line, volume, messages):
    client.force_login(derek)
    response = client.post("/formulations/new/", cocktail_form(line, total_volume_ml=volume))

    assert response.status_code == 200
    assert response.context["lines"].forms[0].errors["amount"] == messages
    assert_nothing_saved()


def test_every_catalogue_ingredient_has_both_maximums_and_says_where_they_come_from(db):
    for each in Ingredient.objects.all():
        assert each.max_per_ml and each.max_per_session, each
        assert each.limits_source, each


def test_strengths_adding_up_beyond_what_a_solution_holds_are_refused(client, derek):
    IngredientFactory(name="Strong A", unit="%", max_per_ml=40, max_per_session=5000)
    IngredientFactory(name="Strong B", unit="%", max_per_ml=40, max_per_session=5000)
    client.force_login(derek)

    response = client.post("/formulations/new/", cocktail_form(("Strong A", "35", "%"), ("Strong B", "30", "%")))

    assert "The ingredients add up to 65 % w/v, more than the 60 % a solution for injection can hold." in (
        response.content.decode()
    )
    assert_nothing_saved()


def test_removed_line_does_not_count_as_a_duplicate(client, derek):
    client.force_login(derek)
    response = client.post(
        "/formulations/new/", cocktail_form((VITAMIN_C, "1", "%", True), (VITAMIN_C, "2", "%"), (ZINC, "1", "mg"))
    )
    assert response.status_code == 302
    assert [(line.ingredient.name, line.amount) for line in Formulation.objects.get().lines.all()] == [
        (VITAMIN_C, 2),
        (ZINC, 1),
    ]


def line_row(page: str, number: int) -> str | None:
    """The opening <tr> tag of the line editor's row `number` (from 0), if the page has it."""
    rows = page.split('<tbody id="line-rows">', 1)[1].split("</tbody>", 1)[0]
    for row in rows.split("<tr")[1:]:
        if f'name="lines-{number}-ingredient"' in row:
            return "<tr" + row.split(">", 1)[0] + ">"
    return None


def test_removed_line_stays_removed_when_the_form_comes_back_refused(client, derek):
    client.force_login(derek)

    response = client.post("/formulations/new/", cocktail_form((ZINC, "1", "mg"), (VITAMIN_C, "1", "%", True), name=""))

    assert response.status_code == 200
    removed = line_row(response.content.decode(), 1)
    # The dermatologist removed Vitamin C; showing its row again (still marked for deletion)
    # would make it look like part of the cocktail, then vanish on the next save.
    assert removed is None or " hidden" in removed or "d-none" in removed


def test_removed_line_raises_no_refusal_in_the_panel(client, derek):
    client.force_login(derek)
    over_the_limit_then_removed = cocktail_form((ZINC, "1", "mg"), (VITAMIN_C, "5", "%", True))

    fragment = client.post("/formulations/preview/", over_the_limit_then_removed).content.decode()

    assert "above the maximum" not in fragment
    assert client.post("/formulations/new/", over_the_limit_then_removed).status_code == 302  # saving accepts it


@pytest.mark.parametrize("page", ["new", "edit"])
def test_cocktail_for_an_archived_patient_is_not_refused_without_a_reason(client, derek, alice, page):
    cocktail = FormulationFactory(patient=alice, created_by=derek, ingredients=[ZINC])
    Patient.objects.filter(pk=alice.pk).update(archived_at=timezone.now())
    client.force_login(derek)
    url = f"/formulations/new/?patient={alice.pk}" if page == "new" else f"/formulations/{cocktail.pk}/edit/"

    response = client.post(url, cocktail_form((VITAMIN_C, "1", "%"), patient=alice))

    if response.status_code == 200:  # refused (saving or answering 404 would do too): the page must say why
        page_text = response.content.decode()
        for messages in response.context["form"].errors.values():
            for message in messages:
                assert message in page_text
