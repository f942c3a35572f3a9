"""The audit trail: who changed which clinical record, when, from what to what."""

from tests.treatments.test_aftercare import course, done
from treatments.models import Allergy, Ingredient


def test_a_change_of_contact_details_is_recorded_with_who_and_before_after(client, charlie, derek, alice):
    client.force_login(charlie)
    client.post(
        f"/patients/{alice.pk}/edit/",
        {
            "first_name": "Alice",
            "last_name": "Archer",
            "date_of_birth": str(alice.date_of_birth),
            "sex": "female",
            "phone": "07 00 00 00 09",
            "email": alice.email,
        },
    )
    client.force_login(derek)
    page = client.get(f"/patients/{alice.pk}/history/")
    entry = next(e for e in page.context["entries"] if e.what == "Patient record" and e.action == "changed")
    assert entry.who == str(charlie)
    assert ("phone", alice.phone, "07 00 00 00 09") in entry.changes


def test_recording_a_session_appears_in_the_history(client, derek, alice):
    session = done(course(alice, derek).sessions.get(number=1), derek)
    client.force_login(derek)
    entries = client.get(f"/patients/{alice.pk}/history/").context["entries"]
    session_changes = [change for e in entries if e.what == f"Session {session.number}" for change in e.changes]
    assert ("status", "Planned", "Done") in session_changes
    assert any(e.what.startswith("Cocktail line") and e.action == "created" for e in entries)


def test_only_dermatologists_read_the_history(client, charlie, alice):
    client.force_login(charlie)
    assert client.get(f"/patients/{alice.pk}/history/").status_code == 403
    client.force_login(alice.portal_user)
    assert client.get(f"/patients/{alice.pk}/history/").status_code == 403


def test_allergies_to_ingredients_are_kept_and_their_changes_are_in_the_history(client, charlie, derek, alice):
    zinc, biotin = Ingredient.objects.get(name="Zinc"), Ingredient.objects.get(name="Vitamin B8 (biotin)")
    contact = {
        "first_name": "Alice",
        "last_name": "Archer",
        "date_of_birth": str(alice.date_of_birth),
        "sex": "female",
        "phone": alice.phone,
        "email": alice.email,
        "allergies": alice.allergies,
    }
    client.force_login(derek)
    client.post(f"/patients/{alice.pk}/edit/", {**contact, "allergens": [zinc.own_allergen.pk]})
    client.post(f"/patients/{alice.pk}/edit/", {**contact, "allergens": [biotin.own_allergen.pk]})
    # The front desk's form has no clinical fields: their save leaves the allergies alone.
    client.force_login(charlie)
    client.post(f"/patients/{alice.pk}/edit/", {**contact, "phone": "07 00 00 00 09"})

    assert list(alice.allergens.all()) == [biotin.own_allergen]
    assert Allergy.objects.get(patient=alice).recorded_by == derek
    client.force_login(derek)
    entries = client.get(f"/patients/{alice.pk}/history/").context["entries"]
    allergy_entries = {(e.what, e.action, e.who) for e in entries if e.what.startswith("Allergy")}
    assert allergy_entries == {
        ("Allergy to Zinc", "created", str(derek)),
        ("Allergy to Zinc", "deleted", str(derek)),
        ("Allergy to Vitamin B8 (biotin)", "created", str(derek)),
    }
    chart = client.get(f"/patients/{alice.pk}/").content.decode()
    assert "Vitamin B8 (biotin)" in chart
