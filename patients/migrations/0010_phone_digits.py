"""Search by phone compares a digits-only copy of the number, kept on every save, instead of
stripping separators from every patient's phone at query time; on PostgreSQL a trigram index
answers it."""

from django.db import migrations, models

from clinic.migration_operations import PostgreSQLOnly


def fill_phone_digits(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    patients = list(Patient.objects.only("pk", "phone"))
    for patient in patients:
        patient.phone_digits = "".join(character for character in patient.phone if character.isdigit())
    Patient.objects.bulk_update(patients, ["phone_digits"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("patients", "0009_search_trigram_indexes")]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="phone_digits",
            field=models.CharField(blank=True, editable=False, max_length=30),
        ),
        migrations.RunPython(fill_phone_digits, migrations.RunPython.noop),
        PostgreSQLOnly(
            "CREATE INDEX patient_phone_digits_trgm ON patients_patient USING gin (phone_digits gin_trgm_ops)",
            "DROP INDEX patient_phone_digits_trgm",
        ),
    ]
