"""Each patient's former "consent signed on" date becomes a paper signature of the treatment
consent's first version, recorded by whoever recorded the date (or the application's own
account when nobody was on record), before patients 0015 drops the two columns.

Backwards, each patient's latest standing paper signature of that form gives the date back;
the signatures stay (going forwards again skips a day already recorded)."""

import hashlib
from datetime import datetime, time

from django.db import migrations
from django.utils import timezone

TREATMENT_FORM = "Mesotherapy treatment"
SYSTEM_USERNAME = "mesoplan-system"


def text_sha256(version, language):
    title = getattr(version, f"title_{language}", None) or version.title
    body = getattr(version, f"body_{language}", None) or version.body
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


def dates_to_signatures(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    ConsentSignature = apps.get_model("consents", "ConsentSignature")
    ConsentVersion = apps.get_model("consents", "ConsentVersion")
    User = apps.get_model("clinic", "User")
    patients = Patient.objects.filter(consent_signed_on__isnull=False)
    if not patients.exists():
        return
    version = ConsentVersion.objects.filter(form__name=TREATMENT_FORM, number=1).first()
    if version is None:
        return  # the manager removed the seeded form before this ran: no version to point at
    system, _created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "Mesoplan", "is_active": False, "password": "!"}
    )
    already = set(
        ConsentSignature.objects.filter(version__form=version.form, method="paper").values_list(
            "patient_id", "signed_at"
        )
    )
    new = []
    for patient in patients.iterator():
        signed_at = timezone.make_aware(datetime.combine(patient.consent_signed_on, time()))
        if (patient.pk, signed_at) in already:
            continue
        new.append(
            ConsentSignature(
                patient_id=patient.pk,
                version=version,
                language=patient.preferred_language,
                text_sha256=text_sha256(version, patient.preferred_language),
                method="paper",
                channel="paper",
                signed_at=signed_at,
                recorded_by_id=patient.consent_recorded_by_id or system.pk,
            )
        )
    ConsentSignature.objects.bulk_create(new, batch_size=500)


def signatures_to_dates(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    ConsentSignature = apps.get_model("consents", "ConsentSignature")
    latest = {}
    for patient_id, signed_at, recorded_by_id, username in (
        ConsentSignature.objects.filter(
            version__form__name=TREATMENT_FORM, method="paper", withdrawn_at__isnull=True
        )
        .order_by("signed_at")
        .values_list("patient_id", "signed_at", "recorded_by_id", "recorded_by__username")
    ):
        latest[patient_id] = (signed_at, None if username == SYSTEM_USERNAME else recorded_by_id)
    for patient_id, (signed_at, recorded_by_id) in latest.items():
        Patient.objects.filter(pk=patient_id).update(
            consent_signed_on=timezone.localdate(signed_at), consent_recorded_by_id=recorded_by_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("consents", "0002_seed_forms"),
        ("patients", "0014_labels_in_both_languages"),
    ]
    run_before = [("patients", "0015_consent_moves_to_consents")]

    operations = [migrations.RunPython(dates_to_signatures, signatures_to_dates)]
