"""The allergen catalogue and the allergies typed on the record: what a typed allergy matches,
what it blocks and in which words, and how a dermatologist resolves one the catalogue does
not know."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinic.roles import Role
from tests.factories import IngredientFactory, PatientFactory, UserFactory
from tests.races import RACE, race
from tests.scheduling.conftest import concurrent_database  # noqa: F401 (a fixture)
from tests.treatments.cocktail_forms import VITAMIN_B1, VITAMIN_C, ZINC
from tests.treatments.test_plan_pages import make_plan
from treatments import allergies, holds, safety
from treatments.models import Allergen, Allergy, Ingredient, UnverifiedAllergy

ORGANIC_SILICON = "Organic silicon (monomethylsilanetriol salicylate)"
PENDING_PENICILLIN = (
    "Unverified allergy: “penicillin” — a dermatologist must link it to the catalogue or confirm it is not relevant."
)


def edit_form(patient, **changes) -> dict:
    """What the chart's edit form posts for `patient` unchanged, with `changes`."""
    data = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": str(patient.date_of_birth),
        "sex": patient.sex,
        "phone": patient.phone,
        "email": patient.email,
        "allergies": patient.allergies,
        "allergens": [allergen.pk for allergen in patient.allergens.all()],
    }
    return data | changes


def typed(client, patient, text: str):
    return client.post(f"/patients/{patient.pk}/edit/", edit_form(patient, allergies=text))


def blocks(patient, *ingredients: str) -> list[str]:
    findings = safety.check_ingredients_for_patient(
        patient=patient,
        ingredients=[Ingredient.objects.get(name=name) for name in ingredients],
        on_date=timezone.localdate(),
    )
    return [finding.reason for finding in findings if finding.is_block]


# The catalogue


def test_every_catalogue_ingredient_is_an_allergen_of_its_own(db):
    for ingredient in Ingredient.objects.all():
        assert ingredient.own_allergen.name == ingredient.name
        assert ingredient in ingredient.own_allergen.ingredients.all()


def test_an_ingredient_added_later_gets_its_own_allergen(db):
    ingredient = IngredientFactory(name="Polynucleotides")

    allergen = Allergen.objects.get(name="Polynucleotides")
    assert allergen.own_ingredient == ingredient
    assert list(allergen.ingredients.all()) == [ingredient]


def test_an_ingredient_added_in_the_admin_gets_its_own_allergen(client, margaret):
    client.force_login(margaret)
    response = client.post(
        "/admin/treatments/ingredient/add/",
        {"name": "Polynucleotides", "category": "other", "unit": "mg", "active": "on"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Allergen.objects.get(name="Polynucleotides").own_ingredient.name == "Polynucleotides"


def test_the_catalogue_has_allergens_beyond_the_cocktails_each_with_a_source(db):
    for name in [
        "Lidocaine",
        "Procaine",
        "Mepivacaine",
        "Articaine",
        "Latex",
        "Chlorhexidine",
        "Povidone-iodine",
        "Salicylates",
        "Parabens",
        "Benzyl alcohol",
    ]:
        allergen = Allergen.objects.get(name=name)
        assert "Source" in allergen.notes, name
    assert list(Allergen.objects.get(name="Salicylates").ingredients.values_list("name", flat=True)) == [
        ORGANIC_SILICON
    ]


def test_typed_allergies_match_whatever_their_accents_case_plural_or_other_name(db):
    expected = {
        "Lidocaïne": "Lidocaine",
        "LIDOCAINE": "Lidocaine",
        "xylocaine": "Lidocaine",
        "ascorbic acid": VITAMIN_C,
        "Vitamin C": VITAMIN_C,
        "vitamine c": None,  # French spelling: not a name on record (French comes with its issue)
        "salicylates": "Salicylates",
        "Aspirin": "Salicylates",
        "thiamine": VITAMIN_B1,
        "Latex gloves": None,
        "penicillin": None,
    }
    found = {text: getattr(allergies.match_allergen(text), "name", None) for text in expected}
    assert found == expected


# The free text on the chart


def test_typed_allergies_become_allergies_and_the_rest_unverified(client, derek, bob):
    client.force_login(derek)

    response = typed(client, bob, "Lidocaïne; ascorbic acid\npenicillin, Lidocaine")

    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.allergies == "Lidocaïne; ascorbic acid\npenicillin, Lidocaine"  # stays as typed
    assert sorted(a.allergen.name for a in Allergy.objects.filter(patient=bob)) == ["Lidocaine", VITAMIN_C]
    assert {a.recorded_by for a in Allergy.objects.filter(patient=bob)} == {derek}
    [unverified] = UnverifiedAllergy.objects.filter(patient=bob)
    assert (unverified.text, unverified.status, unverified.created_by) == ("penicillin", "pending", derek)

    chart = client.get(f"/patients/{bob.pk}/").content.decode()
    assert "Unverified allergy" in chart and "“penicillin”" in chart
    assert f'href="/unverified-allergies/{unverified.pk}/"' in chart
    history = client.get(f"/patients/{bob.pk}/history/")
    assert history.status_code == 200
    whats = {entry.what for entry in history.context["entries"]}
    assert {"Allergy to Lidocaine", f"Allergy to {VITAMIN_C}", "Unverified allergy “penicillin”"} <= whats


def test_an_allergy_typed_at_registration_is_read_too(client, derek):
    client.force_login(derek)
    response = client.post(
        "/patients/new/",
        {
            "first_name": "Nora",
            "last_name": "New",
            "date_of_birth": "1980-05-05",
            "sex": "female",
            "phone": "06 11 11 11 11",
            "allergies": "Chlorhexidine, kiwi",
        },
    )
    assert response.status_code == 302
    patient = Allergy.objects.get(allergen__name="Chlorhexidine").patient
    assert patient.last_name == "New"
    assert list(UnverifiedAllergy.objects.filter(patient=patient).values_list("text", flat=True)) == ["kiwi"]


def test_editing_the_text_again_asks_only_about_what_is_new(client, derek, bob):
    client.force_login(derek)
    typed(client, bob, "penicillin, kiwi")
    kiwi = UnverifiedAllergy.objects.get(patient=bob, text="kiwi")
    allergies.dismiss_unverified_allergy(
        unverified=kiwi, reason="A food allergy, nothing we inject.", resolved_by=derek
    )

    bob.refresh_from_db()
    typed(client, bob, "Kiwis")  # penicillin taken out, kiwi typed again
    rows = {row.text: row.status for row in UnverifiedAllergy.objects.filter(patient=bob)}
    assert rows == {"penicillin": "withdrawn", "kiwi": "not_relevant"}
    assert blocks(bob, ZINC) == []

    bob.refresh_from_db()
    typed(client, bob, "kiwi\npenicillin")  # penicillin is back: asked again
    assert UnverifiedAllergy.objects.get(patient=bob, text="penicillin").status == "pending"
    assert UnverifiedAllergy.objects.filter(patient=bob).count() == 2


def test_the_front_desk_cannot_type_allergies(client, charlie, bob):
    client.force_login(charlie)
    typed(client, bob, "penicillin")
    assert not UnverifiedAllergy.objects.exists()


# What allergies block, in which words


def test_an_allergy_blocks_every_ingredient_containing_the_allergen(db):
    patient = PatientFactory()
    patient.allergens.add(Allergen.objects.get(name="Salicylates"), Ingredient.objects.get(name=ZINC).own_allergen)

    assert blocks(patient, ORGANIC_SILICON, ZINC, VITAMIN_C) == [
        f"Allergic to Salicylates (in {ORGANIC_SILICON}).",
        "Allergic to Zinc.",
    ]


def test_an_allergy_typed_as_ascorbic_acid_stops_vitamin_c(client, derek, bob):
    client.force_login(derek)
    typed(client, bob, "ascorbic acid")
    assert blocks(bob, VITAMIN_C) == [f"Allergic to {VITAMIN_C}."]


def test_a_products_allergens_are_checked_against_the_patients(db):
    patient = PatientFactory()
    patient.allergens.add(Allergen.objects.get(name="Lidocaine"))
    lidocaine, latex = Allergen.objects.get(name="Lidocaine"), Allergen.objects.get(name="Latex")

    findings = safety.allergy_findings(patient=patient, allergens=[lidocaine, latex])

    assert [(f.reason, f.is_block) for f in findings] == [("Allergic to Lidocaine.", True)]
    assert list(safety.allergens_of(patient)) == [lidocaine]


def test_an_unverified_allergy_blocks_every_cocktail_until_resolved(derek, bob):
    allergies.record_typed_allergies(patient=bob, text="penicillin", recorded_by=derek)

    assert blocks(bob, ZINC) == [PENDING_PENICILLIN]
    assert PENDING_PENICILLIN in [f.reason for f in safety.check_patient(patient=bob, on_date=timezone.localdate())]

    allergies.dismiss_unverified_allergy(
        unverified=UnverifiedAllergy.objects.get(),
        reason="An antibiotic, nothing the clinic injects.",
        resolved_by=derek,
    )
    assert blocks(bob, ZINC) == []


def test_an_unverified_allergy_puts_the_next_session_on_clinical_hold(client, derek, charlie, bob):
    make_plan(bob, derek)
    assert holds.hold_for_booking(bob, on_date=timezone.localdate()) is None
    allergies.record_typed_allergies(patient=bob, text="penicillin", recorded_by=derek)

    hold = holds.hold_for_booking(bob, on_date=timezone.localdate())

    assert hold.reasons == (PENDING_PENICILLIN,)
    assert bob.pk in holds.could_be_blocked([bob], on_date=timezone.localdate())


def test_the_recording_page_shows_the_allergies_and_blocks_the_session(client, derek, bob):
    plan = make_plan(bob, derek)
    bob.allergens.add(Allergen.objects.get(name="Latex"))
    allergies.record_typed_allergies(patient=bob, text="penicillin", recorded_by=derek)
    client.force_login(derek)

    response = client.get(f"/sessions/{plan.sessions.get(number=1).pk}/")

    page = response.content.decode()
    assert response.context["blocked"]
    assert PENDING_PENICILLIN in [f.reason for f in response.context["findings"] if f.is_block]
    allergies_card = page[page.index(">Allergies<") : page.index("Safety today")]
    assert "Latex" in allergies_card and "“penicillin”" in allergies_card and "Resolve" in allergies_card


def test_the_plan_page_shows_the_allergies_to_clinicians_only(client, derek, charlie, bob):
    plan = make_plan(bob, derek)
    allergies.record_typed_allergies(patient=bob, text="penicillin, latex", recorded_by=derek)

    client.force_login(derek)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "“penicillin”" in page and "Latex" in page
    client.force_login(charlie)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "penicillin" not in page and ">Allergies<" not in page


def test_confirming_a_suspected_allergy_records_the_ingredients_own_allergens(derek, bob):
    zinc = Ingredient.objects.get(name=ZINC)
    plan = make_plan(bob, derek, ingredients=[ZINC])
    session = plan.sessions.get(number=1)
    suspicion = session.suspected_allergies.create(patient=bob)
    suspicion.ingredients.set([zinc])

    safety.confirm_suspected_allergy(suspicion=suspicion, decided_by=derek)

    assert [(a.allergen, a.recorded_by) for a in Allergy.objects.filter(patient=bob)] == [(zinc.own_allergen, derek)]


# Resolving an unverified allergy


def pending_penicillin(patient, derek) -> UnverifiedAllergy:
    allergies.record_typed_allergies(patient=patient, text="penicillin", recorded_by=derek)
    return UnverifiedAllergy.objects.get(patient=patient)


def test_only_dermatologists_open_the_resolution_page(client, derek, charlie, margaret, alice, bob):
    unverified = pending_penicillin(bob, derek)
    url = f"/unverified-allergies/{unverified.pk}/"
    for who, answer in [(charlie, 403), (margaret, 403), (alice.portal_user, 403), (derek, 200)]:
        client.force_login(who)
        assert client.get(url).status_code == answer, who
        assert client.post(f"{url}not-relevant/", {"reason": "Nothing we inject has it."}).status_code in (answer, 302)
    unverified.refresh_from_db()
    assert unverified.is_pending or unverified.resolved_by == derek
    client.force_login(derek)
    assert client.get("/unverified-allergies/999999/").status_code == 404


def test_linking_makes_it_an_allergy_to_the_allergen(client, derek, bob):
    unverified = pending_penicillin(bob, derek)
    client.force_login(derek)
    assert (
        "Until you resolve it, every cocktail is blocked" in client.get(unverified.get_absolute_url()).content.decode()
    )
    latex = Allergen.objects.get(name="Latex")

    response = client.post(f"/unverified-allergies/{unverified.pk}/link/", {"allergen": latex.pk})

    assert response.status_code == 302 and response.url == bob.get_absolute_url()
    unverified.refresh_from_db()
    assert (unverified.status, unverified.allergen, unverified.resolved_by) == ("linked", latex, derek)
    assert Allergy.objects.get(patient=bob).allergen == latex
    assert blocks(bob, ZINC) == []
    chart = client.get(bob.get_absolute_url()).content.decode()
    assert "linked to Latex" in chart


def test_linking_without_an_allergen_is_refused_by_its_field(client, derek, bob):
    unverified = pending_penicillin(bob, derek)
    client.force_login(derek)
    for posted, message in [({}, "Choose the allergen it names."), ({"allergen": "x"}, "Choose an allergen from")]:
        response = client.post(f"/unverified-allergies/{unverified.pk}/link/", posted)
        assert response.status_code == 400
        assert message in str(response.context["link_form"].errors["allergen"])
    assert UnverifiedAllergy.objects.get().is_pending


def test_not_relevant_needs_a_sentence(client, derek, bob):
    unverified = pending_penicillin(bob, derek)
    client.force_login(derek)

    response = client.post(f"/unverified-allergies/{unverified.pk}/not-relevant/", {"reason": "ok"})

    assert response.status_code == 400
    assert "in a sentence" in str(response.context["dismiss_form"].errors["reason"])
    assert UnverifiedAllergy.objects.get().is_pending

    reason = "An antibiotic: nothing the clinic injects contains it."
    response = client.post(f"/unverified-allergies/{unverified.pk}/not-relevant/", {"reason": reason})
    assert response.status_code == 302
    unverified.refresh_from_db()
    assert (unverified.status, unverified.reason, unverified.resolved_by) == ("not_relevant", reason, derek)
    assert not Allergy.objects.filter(patient=bob).exists()


def test_the_second_dermatologist_to_resolve_is_told_who_did(client, derek, bob):
    unverified = pending_penicillin(bob, derek)
    dana = UserFactory(username="dana", first_name="Dana", role=Role.DERMATOLOGIST)
    # Both opened the page; Dana links it first.
    allergies.link_unverified_allergy(
        unverified=unverified, allergen=Allergen.objects.get(name="Latex"), resolved_by=dana
    )
    client.force_login(derek)

    response = client.post(f"/unverified-allergies/{unverified.pk}/not-relevant/", {"reason": "Nothing we inject."})

    assert response.status_code == 409
    assert "already resolved this allergy (linked to Latex)" in response.content.decode()
    unverified.refresh_from_db()
    assert (unverified.status, unverified.resolved_by) == ("linked", dana)
    try:
        allergies.link_unverified_allergy(
            unverified=unverified, allergen=Allergen.objects.get(name="Lidocaine"), resolved_by=derek
        )
    except ValidationError as error:
        assert "already resolved" in str(error)
    else:
        raise AssertionError("resolved twice")
    assert list(Allergy.objects.filter(patient=bob).values_list("allergen__name", flat=True)) == ["Latex"]


@RACE
@pytest.mark.usefixtures("concurrent_database")
def test_two_dermatologists_resolving_at_once_one_wins_the_other_is_told(derek, bob):
    unverified = pending_penicillin(bob, derek)
    dana = UserFactory(username="dana", first_name="Dana", role=Role.DERMATOLOGIST)
    latex, lidocaine = Allergen.objects.get(name="Latex"), Allergen.objects.get(name="Lidocaine")

    def link(allergen, who):
        def attempt():
            return allergies.link_unverified_allergy(
                unverified=UnverifiedAllergy.objects.get(pk=unverified.pk),
                allergen=Allergen.objects.get(pk=allergen.pk),
                resolved_by=type(who).objects.get(pk=who.pk),
            )

        return attempt

    outcomes = race([link(latex, derek), link(lidocaine, dana)])

    refused = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert len(refused) == 1, outcomes
    assert "already resolved this allergy" in refused[0].messages[0]
    unverified.refresh_from_db()
    assert [a.allergen for a in Allergy.objects.filter(patient=bob)] == [unverified.allergen]
