"""Booking a whole course at once: a slot for each session still to book, nearest its target
day, then all of them in one transaction or none."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clinic.models import User
from scheduling.booking import SlotTaken, book_appointment
from scheduling.models import APPOINTMENT_MINUTES, Appointment, TimeOfDay, fits_time_of_day
from scheduling.slots import Slot, free_slots
from treatments import plans
from treatments.models import TreatmentPlan, TreatmentSession, booking_window


def course_minutes(plan: TreatmentPlan) -> int:
    """The slot the plan's areas need, rounded up to a bookable length."""
    needed = sum(planned.area.default_minutes for planned in plan.areas.select_related("area"))
    return next((minutes for minutes in APPOINTMENT_MINUTES if minutes >= needed), APPOINTMENT_MINUTES[-1])


@dataclass(frozen=True)
class Proposal:
    session: TreatmentSession
    earliest: date
    latest: date
    slot: Slot | None


def propose_course_bookings(
    *,
    plan: TreatmentPlan,
    practitioner: User,
    minutes: int,
    weekday: int | None = None,
    time_of_day: str = TimeOfDay.ANY,
) -> list[Proposal]:
    """For each session still to book, the free slot with `practitioner` nearest its target day
    (then moving out through its window), preferring `weekday` and `time_of_day`. Each proposed
    day re-spaces the windows after it, as booking it will."""
    course = list(plan.sessions.order_by("number"))
    sessions = [session for session in course if session.status in TreatmentSession.AWAITING_BOOKING]
    known = plans.known_days(course)
    today = timezone.localdate()
    proposals = []
    for session in sessions:
        planned = {p.number: p for p in plans.series_of(plan, course, known)}
        window = planned[session.number]
        earliest, latest = booking_window(window.earliest, window.latest, today)
        target = min(max(window.target, earliest), latest)
        window_days = [earliest + timedelta(days=n) for n in range((latest - earliest).days + 1)]
        slot = first_preferred_slot(
            practitioner=practitioner,
            minutes=minutes,
            days=sorted(window_days, key=lambda day: (abs((day - target).days), day)),
            not_before=today,
            weekday=weekday,
            time_of_day=time_of_day,
        )
        proposals.append(Proposal(session, earliest, latest, slot))
        if slot is None:
            break  # later windows depend on this session's day
        known[session.number] = timezone.localtime(slot.start).date()
    return proposals


def first_preferred_slot(
    *, practitioner: User, minutes: int, days: list[date], not_before: date, weekday: int | None, time_of_day: str
) -> Slot | None:
    candidates = [day for day in days if day >= not_before]
    preferred_days = [day for day in candidates if weekday is None or day.weekday() == weekday]
    for group in (preferred_days, candidates):
        for day in group:
            slots = free_slots(day=day, minutes=minutes, practitioner=practitioner)
            in_part_of_day = [slot for slot in slots if fits_time_of_day(slot.start, time_of_day)]
            if in_part_of_day or (slots and group is candidates):
                return (in_part_of_day or slots)[0]
    return None


class CourseNotBookable(Exception):
    """Some session has no free slot in its window; the message says which."""


def book_course(*, proposals: list[Proposal], minutes: int, booked_by: User) -> list[Appointment]:
    """Book every proposal in one transaction: all of them, or none."""
    missing = [proposal for proposal in proposals if proposal.slot is None]
    if missing:
        first = missing[0]
        raise CourseNotBookable(
            _(
                "Session %(number)s has no free slot between %(earliest)s and %(latest)s. "
                "Book it by hand on another day or with another practitioner."
            )
            % {
                "number": first.session.number,
                "earliest": date_format(first.earliest, "d/m"),
                "latest": date_format(first.latest, "d/m/Y"),
            }
        )
    booked = []
    with transaction.atomic():
        for proposal in proposals:
            session = TreatmentSession.objects.select_related("plan__patient").get(pk=proposal.session.pk)
            try:
                booked.append(
                    book_appointment(
                        patient=session.plan.patient,
                        practitioner=proposal.slot.practitioner,
                        room=proposal.slot.room,
                        start=proposal.slot.start,
                        minutes=minutes,
                        session=session,
                        booked_by=booked_by,
                    )
                )
            except (SlotTaken, ValidationError) as refusal:
                message = refusal.messages[0] if isinstance(refusal, ValidationError) else str(refusal)
                raise CourseNotBookable(
                    _("Session %(number)s: %(refusal)s Nothing was booked.")
                    % {"number": session.number, "refusal": message}
                ) from None
    return booked
