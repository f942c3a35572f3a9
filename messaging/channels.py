"""A patient's channel choices: reminders on or off (the one-click link in every email turns
them off, staff may turn them on again from the chart), and text messages."""

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import User
from messaging.models import ChannelChoices
from patients.models import Patient

OPT_OUT_SALT = "messaging.reminders-opt-out"


class ChoicesChanged(Exception):
    """Someone changed the choices since the form was shown; nothing was saved."""


def choices_of(patient: Patient) -> ChannelChoices:
    """The patient's choices, or the defaults (reminders by email, no SMS) unsaved."""
    try:
        return patient.channel_choices
    except ChannelChoices.DoesNotExist:
        return ChannelChoices(patient=patient, changed_through="")


def opt_out_token(patient: Patient) -> str:
    # No expiry: the link in an email from last year still works.
    return signing.dumps(str(patient.pk), salt=OPT_OUT_SALT)


def opt_out_url(patient: Patient) -> str:
    path = reverse("messages_opt_out", args=[opt_out_token(patient)])
    return settings.CLINIC_SITE_URL.rstrip("/") + path


def patient_of_token(token: str) -> Patient | None:
    """The patient the link was made for; None for a link altered or not ours."""
    try:
        pk = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return Patient.objects.filter(pk=pk).first() if isinstance(pk, str) else None


def opt_out_of_reminders(*, patient: Patient) -> ChannelChoices:
    """The patient, through the link in an email, wants no more reminders."""
    return set_channel_choices(
        patient=patient, reminders=False, changed_by=None, changed_through=ChannelChoices.ChangedThrough.LINK
    )


def set_channel_choices(
    *,
    patient: Patient,
    reminders: bool,
    sms: bool | None = None,
    changed_by: User | None,
    changed_through: str = ChannelChoices.ChangedThrough.STAFF,
    seen_changed_at: datetime | None = None,
) -> ChannelChoices:
    """Save the patient's choices. `seen_changed_at` is when the choices the form showed were
    last changed: a change made meanwhile refuses this one (ChoicesChanged), so a patient's
    opt-out is never silently undone by a screen opened before it."""
    with transaction.atomic():
        choices = ChannelChoices.objects.select_for_update().filter(patient=patient).first()
        if choices is None:
            choices = ChannelChoices(patient=patient)
        elif seen_changed_at is not None and choices.changed_at != seen_changed_at:
            raise ChoicesChanged(
                _("These choices were changed meanwhile (%(when)s); here they are as they are now.")
                % {"when": timezone.localtime(choices.changed_at).strftime("%H:%M")}
            )
        choices.reminders = reminders
        if sms is not None:
            choices.sms = sms
        choices.changed_by = changed_by
        choices.changed_through = changed_through
        choices.changed_at = timezone.now()
        choices.save()
    patient.channel_choices = choices
    return choices
