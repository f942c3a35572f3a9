"""The writes that span a course and its appointments, each one transaction calling the
lower layers' own functions: recording a visit, stopping a course, skipping a session."""

from django.db import transaction
from django.utils.translation import gettext as _

from clinic.models import User
from scheduling import booking
from treatments import plans, records
from treatments.models import TreatmentPlan, TreatmentSession


def record_visit(*, session: TreatmentSession, recorded_by: User, **record) -> TreatmentSession:
    """Record what was injected (treatments.records.record_session takes `record`) and settle
    the session's appointments: the one that day is done, one still to come is cancelled."""
    with transaction.atomic():
        session = records.record_session(session=session, recorded_by=recorded_by, **record)
        booking.settle_recorded_session(session=session, settled_by=recorded_by)
    return session


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
