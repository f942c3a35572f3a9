import unicodedata

from django.db import migrations, models


def fold(text):
    # patients.names.fold as it was when this migration was written.
    plain = "".join(
        unicodedata.normalize("NFD", letter)[0] if 0xC0 <= ord(letter) < 0x100 else letter for letter in text
    )
    return plain.replace("Ø", "O").replace("ø", "o").lower()


def fill_name_keys(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    patients = list(Patient.objects.only("pk", "first_name", "last_name"))
    for patient in patients:
        patient.name_key = fold(f"{patient.last_name.strip()} {patient.first_name.strip()}")
    Patient.objects.bulk_update(patients, ["name_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("patients", "0004_contraindication_catalog")]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=201),
            preserve_default=False,
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.AlterModelOptions(name="patient", options={"ordering": ["name_key", "date_of_birth"]}),
        migrations.RemoveIndex(model_name="patient", name="patient_name_idx"),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(fields=["name_key", "date_of_birth"], name="patient_name_idx"),
        ),
    ]
