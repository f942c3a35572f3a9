"""What a patient may book, move or cancel themselves in the portal, in one place: the next
session of each active course (in course order), inside its window, from the clinic's notice
to its horizon (clinic.models.ClinicPolicy), with the practitioners who treat, for the length
its areas need (scheduling.courses.course_minutes). The portal's pages ask `next_sessions`
and `days_for`; `choose` checks a slot again and places the hold (scheduling.slot_holds)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clinic.models import ClinicPolicy, User
from patients.models import Patient
from scheduling import slot_holds
from scheduling.courses import course_minutes
from scheduling.models import Appointment
from scheduling.slots import Slot, free_slots_on
from treatments import holds
from treatments.models import TreatmentPlan, TreatmentSession


@dataclass(frozen=True)
class NextSession:
    """A course's next session, and what its patient may do with it online."""

    session: TreatmentSession
    appointment: Appointment | None  # its booking, when it is booked
    earliest: date  # the first and last days the portal offers
    latest: date
    minutes: int
    refusal: str  # why the portal offers no time for it ("" when it does)

    @property
    def bookable(self) -> bool:
        return not self.refusal


def switched_off(patient: Patient, policy: ClinicPolicy) -> str:
    """Why the patient cannot book online at all, or ""."""
    if not policy.self_booking:
        return _("The clinic books appointments by phone: please call us on %(phone)s.") % {
            "phone": settings.CLINIC_PHONE
        }
    if not patient.self_booking:
        return _("The clinic books your appointments with you: please call us on %(phone)s.") % {
            "phone": settings.CLINIC_PHONE
        }
    return ""


def earliest_start(policy: ClinicPolicy, *, now: datetime) -> datetime:
    return now + timedelta(hours=policy.booking_notice_hours)


def next_sessions(patient: Patient, *, now: datetime | None = None) -> list[NextSession]:
    """For each active course, the first session still to come in course order: booked (to
    move or cancel) or awaiting a booking, with the days the portal offers for it."""
    now = now or timezone.now()
    policy = ClinicPolicy.current()
    off = switched_off(patient, policy)
    today = timezone.localdate(now)
    first_day = timezone.localdate(earliest_start(policy, now=now))
    last_day = today + timedelta(days=policy.booking_horizon_days)
    sessions = (
        TreatmentSession.objects.filter(
            plan__patient=patient,
            plan__status=TreatmentPlan.Status.ACTIVE,
            status__in=TreatmentSession.STILL_TO_COME,
        )
        .select_related("plan__protocol")
        .prefetch_related("plan__areas__area")
        .order_by("plan__start_date", "plan_id", "number")
    )
    firsts: dict = {}
    for session in sessions:
        firsts.setdefault(session.plan_id, session)
    booked = {
        appointment.session_id: appointment
        for appointment in Appointment.objects.filter(
            session__in=list(firsts.values()), status=Appointment.Status.BOOKED
        ).select_related("practitioner", "room")
    }
    found = []
    for session in firsts.values():
        window_start, window_end = session.booking_window(today)
        earliest, latest = max(window_start, first_day), min(window_end, last_day)
        refusal = off or why_not_online(
            patient, session, earliest=earliest, latest=latest, window_end=window_end, today=today
        )
        found.append(
            NextSession(
                session=session,
                appointment=booked.get(session.pk),
                earliest=earliest,
                latest=latest,
                minutes=course_minutes(session.plan),
                refusal=refusal,
            )
        )
    return found


def why_not_online(
    patient: Patient, session: TreatmentSession, *, earliest: date, latest: date, window_end: date, today: date
) -> str:
    phone = {"phone": settings.CLINIC_PHONE}
    if holds.hold_for(patient, session, on_date=today):
        return _("The dermatologist would like to see you before this session: please call us on %(phone)s.") % phone
    if earliest > latest:
        if earliest > window_end:
            return _("This session is due by %(day)s, too soon to book online: please call us on %(phone)s.") % {
                **phone,
                "day": date_format(window_end, "l j F"),
            }
        return _("This session is due after the dates the portal offers: please call us on %(phone)s.") % phone
    return ""


def for_session(patient: Patient, session_pk) -> NextSession | None:
    """The patient's next session of that pk, or None: any other session (another patient's,
    a later one of the course, one done) is not theirs to book online."""
    return next((found for found in next_sessions(patient) if found.session.pk == session_pk), None)


def days_for(next_session: NextSession, *, patient: Patient) -> dict[date, list[Slot]]:
    """The days the portal offers for the session, each with its free slots (none where none
    is free): the patient's own other appointments are left out, and so is the time of the
    appointment being moved (a hold may not overlap it)."""
    if not next_session.bookable:
        return {}
    days = [
        next_session.earliest + timedelta(days=offset)
        for offset in range((next_session.latest - next_session.earliest).days + 1)
    ]
    policy = ClinicPolicy.current()
    return free_slots_on(
        days=days,
        minutes=next_session.minutes,
        patient=patient,
        not_before=earliest_start(policy, now=timezone.now()),
    )


def out_of_reach(next_session: NextSession, *, start: datetime, policy: ClinicPolicy) -> str:
    """Why a time (or a day, from its start) is not one to book online: inside the clinic's
    notice, or outside the session's window and horizon; "" when it may be."""
    if start < earliest_start(policy, now=timezone.now()):
        return _(
            "Online, appointments are booked at least %(hours)s hours ahead: "
            "for an earlier time, please call us on %(phone)s."
        ) % {"hours": policy.booking_notice_hours, "phone": settings.CLINIC_PHONE}
    if not next_session.earliest <= timezone.localtime(start).date() <= next_session.latest:
        return _("Session %(number)s can be booked online between %(earliest)s and %(latest)s.") % {
            "number": next_session.session.number,
            "earliest": date_format(next_session.earliest, "l j F"),
            "latest": date_format(next_session.latest, "l j F Y"),
        }
    return ""


def choose(
    *, patient: Patient, next_session: NextSession, start: datetime, practitioner_pk: int, held_by: User
) -> Appointment:
    """Hold the slot the patient chose (a slot the portal offers: ValidationError by field
    otherwise, with what to do), for booking the session or moving its appointment."""
    if not next_session.bookable:
        raise ValidationError(next_session.refusal)
    policy = ClinicPolicy.current()
    day = timezone.localtime(start).date()
    refusal = out_of_reach(next_session, start=start, policy=policy)
    if refusal:
        raise ValidationError({"start": refusal})
    offered = free_slots_on(
        days=[day], minutes=next_session.minutes, patient=patient, not_before=earliest_start(policy, now=timezone.now())
    )[day]
    slot = next((s for s in offered if s.start == start and s.practitioner.pk == practitioner_pk), None)
    if slot is None:
        raise ValidationError(
            {"start": _("This time was taken a moment ago, or is not free: please choose another one.")}
        )
    return slot_holds.place_hold(
        patient=patient,
        session=next_session.session,
        slot=slot,
        held_by=held_by,
        minutes_held=policy.hold_minutes,
        moves=next_session.appointment,
    )
