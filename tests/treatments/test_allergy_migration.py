"""A database made before allergies moved to treatments (treatments 0010) keeps every allergy,
with who added it and when, and the contraindications keep the ingredients they concern."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.migrations import migrate

BEFORE = [("treatments", "0009_history"), ("scheduling", "0004_longest_appointment")]
OLD_TABLES = {
    "patients_patient_allergy_ingredients": "id integer PRIMARY KEY, patient_id {uuid}, ingredient_id integer",
    "patients_contraindication_ingredients": (
        "id integer PRIMARY KEY, contraindication_id integer, ingredient_id integer"
    ),
    "patients_historicalpatient_allergy_ingredients": (
        "m2m_history_id integer PRIMARY KEY, id integer, history_id integer, patient_id {uuid}, ingredient_id integer"
    ),
}


# Serialized: the catalogue that migrations load comes back for the tests after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_allergies_and_their_history_move_out_of_the_old_tables():
    old = migrate(BEFORE)
    try:
        User = old.get_model("clinic", "User")
        Patient = old.get_model("patients", "Patient")
        HistoricalPatient = old.get_model("patients", "HistoricalPatient")
        Ingredient = old.get_model("treatments", "Ingredient")
        Contraindication = old.get_model("patients", "Contraindication")
        doctor = User.objects.create(username="dr.before")
        patient = Patient.objects.create(
            first_name="Ana",
            last_name="Before",
            date_of_birth="1980-01-01",
            sex="female",
            name_key="before ana",
            phone_digits="",
        )
        zinc, copper = Ingredient.objects.get(name="Zinc"), Ingredient.objects.get(name="Copper")
        gallstones = Contraindication.objects.get(name="Gallstones")
        day_one = timezone.now() - timedelta(days=10)
        snapshots = []
        for when, allergies in ((day_one, [zinc, copper]), (day_one + timedelta(days=1), [copper])):
            record = HistoricalPatient.objects.create(
                id=patient.pk,
                first_name="Ana",
                last_name="Before",
                date_of_birth="1980-01-01",
                sex="female",
                history_date=when,
                history_type="~",
                history_user=doctor,
                created_at=when,
            )
            snapshots.append((record.history_id, allergies))
        with connection.cursor() as cursor:
            # As Django made them: a UUID column on PostgreSQL, 32 hex characters on SQLite.
            uuid_type = "uuid" if connection.vendor == "postgresql" else "char(32)"
            for table, columns in OLD_TABLES.items():
                cursor.execute(f"CREATE TABLE {table} ({columns.format(uuid=uuid_type)})")
            patient_id = patient.pk.hex if connection.vendor == "sqlite" else str(patient.pk)
            cursor.execute(
                "INSERT INTO patients_patient_allergy_ingredients VALUES (1, %s, %s)", [patient_id, copper.pk]
            )
            cursor.execute(
                "INSERT INTO patients_contraindication_ingredients VALUES (1, %s, %s)", [gallstones.pk, zinc.pk]
            )
            row = 0
            for history_id, allergies in snapshots:
                for ingredient in allergies:
                    row += 1
                    cursor.execute(
                        "INSERT INTO patients_historicalpatient_allergy_ingredients VALUES (%s, %s, %s, %s, %s)",
                        [row, row, history_id, patient_id, ingredient.pk],
                    )
    finally:
        new = migrate([])

    Allergy = new.get_model("treatments", "Allergy")
    HistoricalAllergy = new.get_model("treatments", "HistoricalAllergy")
    Ingredient = new.get_model("treatments", "Ingredient")
    allergy = Allergy.objects.get()
    # treatments 0024 then moved it to the ingredient's own allergen, of the same name.
    assert (allergy.patient_id, allergy.allergen.name, allergy.recorded_by.username) == (
        patient.pk,
        "Copper",
        "dr.before",
    )
    history = [
        (h.allergen.name, h.history_type, h.history_user.username)
        for h in HistoricalAllergy.objects.order_by("history_date", "allergen__name")
    ]
    assert history == [("Copper", "+", "dr.before"), ("Zinc", "+", "dr.before"), ("Zinc", "-", "dr.before")]
    assert [c.name for c in Ingredient.objects.get(name="Zinc").contraindications.all()] == ["Gallstones"]
    assert not set(OLD_TABLES) & set(connection.introspection.table_names())
