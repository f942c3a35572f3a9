"""The writes that span a course and its appointments, each one transaction calling the
lower layers' own functions: recording a visit, stopping a course, skipping a session."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clinic.models import User
from consents import gate
from messaging import outbox
from messaging.models import Kind
from scheduling import booking
from treatments import plans, records
from treatments.models import TreatmentPlan, TreatmentSession


def record_visit(*, session: TreatmentSession, recorded_by: User, **record) -> TreatmentSession:
    """Record what was injected (treatments.records.record_session takes `record`) and settle
    the session's appointments: the one that day is done, one still to come is cancelled.
    The patient is told their aftercare sheet is in the portal. Refused
    (consents.gate.ConsentMissing) without a valid consent and questionnaire that day."""
    with transaction.atomic():
        gate.ensure_ready(session, on=timezone.localdate(record["done_at"]))
        session = records.record_session(session=session, recorded_by=recorded_by, **record)
        booking.settle_recorded_session(session=session, settled_by=recorded_by)
        tell_aftercare_ready(session)
    return session


def tell_aftercare_ready(session: TreatmentSession) -> None:
    """An email is no place for health data: it names neither the course's indication nor
    what was given, only that the sheet waits in the portal (whose address the message adds)."""
    patient = session.plan.patient
    with translation.override(patient.preferred_language or settings.CLINIC_LANGUAGE):
        treatment = _("mesotherapy")
    outbox.notify_patient(
        patient=patient,
        kind=Kind.AFTERCARE_READY,
        context={"first_name": patient.first_name, "session_number": session.number, "treatment": treatment},
        about=f"session:{session.pk}",
    )


def stop_course(*, plan: TreatmentPlan, reason: str, stopped_by: User) -> TreatmentPlan:
    """Stop a course: its sessions not yet done are cancelled, and so are their appointments
    still to come, each with the reason, so nobody expects the patient for them."""
    with transaction.atomic():
        plan = plans.stop_plan(plan=plan, reason=reason, stopped_by=stopped_by)
        booking.cancel_course_appointments(
            plan=plan,
            reason=_("The course was stopped: %(reason)s") % {"reason": reason.strip()},
            cancelled_by=stopped_by,
        )
    return plan


def skip_session(*, session: TreatmentSession, reason: str, skipped_by: User) -> TreatmentSession:
    """Skip one session (treatments.plans.skip_session) and cancel its appointment still to
    come, with the reason, so nobody expects the patient for it."""
    with transaction.atomic():
        session = plans.skip_session(session=session, reason=reason, skipped_by=skipped_by)
        booking.cancel_session_appointments(
            session=session,
            reason=_("Session %(number)s is skipped: %(reason)s")
            % {"number": session.number, "reason": reason.strip()},
            cancelled_by=skipped_by,
        )
    return session
