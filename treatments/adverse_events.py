"""Recording an adverse event after a session, and following it up until it resolves.

An adverse event is its own record: the session's immediate reaction stays as it was written
at the visit, and each change to an event keeps its history."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clinic.models import User
from treatments.models import AdverseEvent, TreatmentSession

# What a follow-up may change; what happened (session, onset, type) stays as first recorded.
FOLLOW_UP_FIELDS = (
    "severity",
    "treatment_given",
    "outcome",
    "follow_up_date",
    "reported_to_vigilance",
    "vigilance_reference",
)


def record_adverse_event(
    *,
    session: TreatmentSession,
    onset_date: date,
    type: str,
    severity: str,
    recorded_by: User,
    description: str = "",
    treatment_given: str = "",
    outcome: str = AdverseEvent.Outcome.ONGOING,
    follow_up_date: date | None = None,
    reported_to_vigilance: bool = False,
    vigilance_reference: str = "",
) -> AdverseEvent:
    """Record an event that followed `session`, which must have been given."""
    if not session.is_done:
        raise ValidationError(_("Only a recorded session can have adverse events; record the session first."))
    event = AdverseEvent(
        session=session,
        onset_date=onset_date,
        type=type,
        severity=severity,
        description=description.strip(),
        treatment_given=treatment_given.strip(),
        outcome=outcome,
        follow_up_date=follow_up_date,
        reported_to_vigilance=reported_to_vigilance,
        vigilance_reference=vigilance_reference.strip() if reported_to_vigilance else "",
        recorded_by=recorded_by,
    )
    event.full_clean()
    event._history_user = recorded_by
    with transaction.atomic():
        event.save()
    return event


def update_adverse_event(*, event: AdverseEvent, changed_by: User, **changes) -> AdverseEvent:
    """Follow an event up (outcome, follow-up date, treatment, vigilance report): the row is read
    again under a lock and only the fields changed are saved, so two updates never undo each other."""
    if unknown := set(changes) - set(FOLLOW_UP_FIELDS):
        raise ValidationError(_("These cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    changes = {field: value.strip() if isinstance(value, str) else value for field, value in changes.items()}
    with transaction.atomic():
        # Only the event is locked: its session is read, not changed.
        event = AdverseEvent.objects.select_for_update().get(pk=event.pk)
        if not changes.get("reported_to_vigilance", event.reported_to_vigilance):
            changes["vigilance_reference"] = ""  # no report, no reference to keep
        changed = [field for field, value in changes.items() if getattr(event, field) != value]
        if not changed:
            raise ValidationError(_("Nothing was changed."))
        for field in changed:
            setattr(event, field, changes[field])
        event.full_clean()
        event._history_user = changed_by
        event.save(update_fields=changed)
    return event
