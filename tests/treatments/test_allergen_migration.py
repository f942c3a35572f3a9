"""A database made before the allergen catalogue (treatments 0024) keeps every allergy and
its history, now to the ingredient's own allergen, and the allergies typed on records are read
as the chart reads them on saving."""

import pytest
from django.utils import timezone

from tests.migrations import just_before, migrate

ALLERGENS = ("treatments", "0024_allergens")


# Serialized: the catalogue that migrations load comes back for the tests after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_allergies_move_to_allergens_and_typed_ones_are_read():
    old = migrate([just_before(ALLERGENS)])
    try:
        doctor = old.get_model("clinic", "User").objects.create(username="dr.before")
        Patient = old.get_model("patients", "Patient")
        patient = Patient.objects.create(
            first_name="Ana",
            last_name="Before",
            date_of_birth="1980-01-01",
            sex="female",
            name_key="before ana",
            phone_digits="",
            allergies="Lidocaïne, kiwi\nZinc",
        )
        zinc = old.get_model("treatments", "Ingredient").objects.get(name="Zinc")
        copper = old.get_model("treatments", "Ingredient").objects.get(name="Copper")
        allergy = old.get_model("treatments", "Allergy").objects.create(
            patient=patient, ingredient=zinc, recorded_by=doctor
        )
        HistoricalAllergy = old.get_model("treatments", "HistoricalAllergy")
        now = timezone.now()
        for ingredient, history_type in [(copper, "+"), (copper, "-"), (zinc, "+")]:
            HistoricalAllergy.objects.create(
                id=allergy.pk if ingredient == zinc else allergy.pk + 1,
                patient=patient,
                ingredient=ingredient,
                recorded_by=doctor,
                recorded_at=now,
                history_date=now,
                history_type=history_type,
                history_user=doctor,
            )
    finally:
        new = migrate([])

    Allergy = new.get_model("treatments", "Allergy")
    allergies = {(a.allergen.name, getattr(a.recorded_by, "username", None)) for a in Allergy.objects.all()}
    assert allergies == {("Zinc", "dr.before"), ("Lidocaine", None)}  # Zinc typed too: once
    history = sorted(
        (h.allergen.name, h.history_type)
        for h in new.get_model("treatments", "HistoricalAllergy").objects.exclude(allergen__name="Lidocaine")
    )
    assert history == [("Copper", "+"), ("Copper", "-"), ("Zinc", "+")]
    zinc_allergen = new.get_model("treatments", "Allergen").objects.get(name="Zinc")
    assert zinc_allergen.own_ingredient.name == "Zinc"
    assert [i.name for i in zinc_allergen.ingredients.all()] == ["Zinc"]
    [unverified] = new.get_model("treatments", "UnverifiedAllergy").objects.all()
    assert (unverified.text, unverified.status) == ("kiwi", "pending")
