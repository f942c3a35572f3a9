"""Holds: a slot kept for a few minutes, as an appointment in the proposed state, while a
patient confirms it in the portal or answers a waitlist offer. A hold occupies its slot as a
booking does (booking.ensure_free, and on PostgreSQL the no-overlap constraints of
migration 0008), so the desk and the portal never both take one slot. Confirming turns the
hold into the booking, or moves the appointment it was placed for; a hold past its time is
deleted by the next write on its slot (booking.release_expired_holds) or by the job system
(`release_expired`, every minute)."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import User
from patients.models import Patient
from scheduling import booking
from scheduling.models import Appointment
from scheduling.slots import Slot
from treatments import plans
from treatments.models import TreatmentSession


class HoldGone(Exception):
    """The hold expired, was confirmed already, or was released; the message says which."""


def place_hold(
    *,
    patient: Patient,
    session: TreatmentSession,
    slot: Slot,
    held_by: User,
    minutes_held: int,
    moves: Appointment | None = None,
    release_portal_holds: bool = True,
) -> Appointment:
    """Hold `slot` for the patient's `session` (a booking to make), or for moving `moves`, its
    booked appointment. The same checks as booking (grid, hours, time off, the session's window
    and order); SlotTaken when someone occupies it meanwhile. A patient holds one time at a
    time in the portal: choosing another lets the first go (`release_portal_holds`; a waitlist
    offer leaves what they are choosing in the portal alone)."""
    minutes = int((slot.end - slot.start) / timedelta(minutes=1))
    wanted = Appointment(
        patient=patient,
        practitioner=slot.practitioner,
        room=slot.room,
        start=slot.start,
        end=slot.start + timedelta(minutes=minutes),
        session=session,
        booked_by=held_by,
    )
    if moves is not None and (
        moves.patient_id != patient.pk or moves.session_id != session.pk or moves.status != Appointment.Status.BOOKED
    ):
        raise ValidationError(_("That appointment cannot be moved online."))
    booking.check_bookable(wanted)
    hold = Appointment(
        patient=patient,
        practitioner=slot.practitioner,
        room=slot.room,
        start=wanted.start,
        end=wanted.end,
        # A move's hold names no session: the appointment it moves still books it.
        session=None if moves else session,
        moves=moves,
        booked_by=held_by,
        status=Appointment.Status.PROPOSED,
        held_until=timezone.now() + timedelta(minutes=minutes_held),
    )
    try:
        with transaction.atomic():
            if release_portal_holds:
                release_holds_of(patient, keep_offers=True)
            if moves is None:
                booking.ensure_session_unbooked(session)
            # A move's hold may not overlap the appointment it moves either (the same patient
            # and practitioner): the slots offered for a move leave that time out.
            booking.ensure_free(hold)
            hold.save(force_insert=True)
    except IntegrityError as error:
        raise booking.refused_by_constraint(error) from None
    return hold


def release_holds_of(patient: Patient, *, keep_offers: bool) -> int:
    """The patient's holds from the portal (and, unless `keep_offers`, from waitlist offers) let go."""
    holds = Appointment.objects.filter(patient=patient, status=Appointment.Status.PROPOSED)
    if keep_offers:
        holds = holds.filter(waitlist_offers__isnull=True)
    deleted, _by_model = holds.delete()
    return deleted


def locked_hold(pk, *, patient: Patient) -> Appointment:
    """The patient's hold read again under its lock, its course first (the order every write
    takes); HoldGone when it is no longer a hold running."""
    hold = Appointment.objects.filter(pk=pk, patient=patient).select_related("moves__session").first()
    if hold is not None:
        session_id = hold.session_id or (hold.moves.session_id if hold.moves else None)
        if session_id:
            plans.lock_course(plan_id=TreatmentSession.objects.values_list("plan_id", flat=True).get(pk=session_id))
        hold = Appointment.objects.select_for_update().filter(pk=pk, patient=patient).first()
    if hold is None or hold.status != Appointment.Status.PROPOSED:
        raise HoldGone(_("This time is no longer held for you: please choose one again."))
    if hold.held_until <= timezone.now():
        raise HoldGone(
            _("This time was held for you until %(until)s: please choose one again.")
            % {"until": booking.local_hm(hold.held_until)}
        )
    return hold


def confirm_hold(*, hold: Appointment, patient: Patient, confirmed_by: User, online: bool) -> Appointment:
    """The held time becomes the booking, or the appointment it was placed for moves there.
    The front desk and the practitioner are told when the patient did it online."""
    try:
        with transaction.atomic():
            hold = locked_hold(hold.pk, patient=patient)
            if hold.moves_id:
                moves, start, minutes = hold.moves, hold.start, hold.minutes
                practitioner, room = hold.practitioner, hold.room
                hold.delete()
                return booking.reschedule_appointment(
                    appointment=moves,
                    start=start,
                    minutes=minutes,
                    practitioner=practitioner,
                    room=room,
                    rescheduled_by=confirmed_by,
                    online=online,
                )
            hold.status = Appointment.Status.BOOKED
            hold.held_until = None
            hold.booked_by = confirmed_by
            booking.check_bookable(hold)
            booking.ensure_free(hold)
            hold.save(update_fields=["status", "held_until", "booked_by", "updated_at"])
            booking.record_booking(hold, by=confirmed_by, online=online)
    except IntegrityError as error:
        raise booking.refused_by_constraint(error) from None
    return hold


def release_hold(*, hold: Appointment, patient: Patient) -> None:
    """The patient chose another time, or none: the slot is free at once."""
    Appointment.objects.filter(pk=hold.pk, patient=patient, status=Appointment.Status.PROPOSED).delete()


def release_expired(*, now: datetime | None = None) -> list[tuple[datetime, datetime, int]]:
    """Delete the holds past their time (portal holds; waitlist offers expire in
    scheduling.waitlist), and answer the slots they free as (start, end, practitioner id)."""
    expired = Appointment.objects.filter(
        status=Appointment.Status.PROPOSED, held_until__lte=now or timezone.now(), waitlist_offers__isnull=True
    )
    freed = list(expired.values_list("start", "end", "practitioner_id"))
    expired.delete()
    return freed
