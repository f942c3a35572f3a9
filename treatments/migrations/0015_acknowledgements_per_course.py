"""An acknowledgement covers one course, and a condition's acknowledgement names the version
of the condition it answered. Acknowledgements already given keep covering the courses that
use their cocktail version, so nothing in progress is asked again."""

import hashlib
import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


CONDITION_KEY = re.compile(r"^condition:(\d+)(:waiting)?$")


def fingerprint(condition) -> str:
    # As treatments.safety.fingerprint, frozen here so that later changes to it leave this migration alone.
    contraindication = condition.contraindication
    facts = (
        condition.contraindication_id,
        condition.started_on,
        condition.ended_on,
        condition.notes,
        contraindication.level,
        contraindication.waiting_days,
    )
    return hashlib.blake2s(repr(facts).encode(), digest_size=4).hexdigest()


def give_each_course_its_acknowledgements(apps, schema_editor):
    SafetyAcknowledgement = apps.get_model("treatments", "SafetyAcknowledgement")
    TreatmentPlan = apps.get_model("treatments", "TreatmentPlan")
    PatientCondition = apps.get_model("patients", "PatientCondition")
    for acknowledgement in SafetyAcknowledgement.objects.filter(plan__isnull=True):
        if match := CONDITION_KEY.match(acknowledgement.finding_key):
            condition = PatientCondition.objects.select_related("contraindication").filter(pk=match[1]).first()
            if condition is not None:
                acknowledgement.finding_key = f"condition:{condition.pk}:{fingerprint(condition)}{match[2] or ''}"
        plans = (
            TreatmentPlan.objects.filter(patient_id=acknowledgement.patient_id)
            .filter(
                models.Q(formulation_id=acknowledgement.formulation_id)
                | models.Q(sessions__formulation_id=acknowledgement.formulation_id)
            )
            .distinct()
            .order_by("created_at")
        )
        for index, plan in enumerate(plans):
            if index:
                acknowledgement.pk = None
            acknowledgement.plan = plan
            acknowledgement.save()
        if not plans:
            acknowledgement.save()


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0010_phone_digits'),
        ('treatments', '0010_allergies_and_bookings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='safetyacknowledgement',
            name='acknowledge_a_finding_once',
        ),
        migrations.AddField(
            model_name='safetyacknowledgement',
            name='plan',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='acknowledgements', to='treatments.treatmentplan'),
        ),
        migrations.AddConstraint(
            model_name='safetyacknowledgement',
            constraint=models.UniqueConstraint(condition=models.Q(('plan__isnull', False)), fields=('plan', 'formulation', 'finding_key'), name='acknowledge_a_finding_once_per_course'),
        ),
        migrations.AddConstraint(
            model_name='safetyacknowledgement',
            constraint=models.UniqueConstraint(condition=models.Q(('plan__isnull', True)), fields=('patient', 'formulation', 'finding_key'), name='acknowledge_a_finding_once_before_a_course'),
        ),
        migrations.RunPython(give_each_course_its_acknowledgements, migrations.RunPython.noop),
    ]
