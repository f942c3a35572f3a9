"""Booking, moving and cancelling appointments. Double bookings are impossible: every write
checks and inserts inside one transaction that holds the write lock on SQLite (BEGIN
IMMEDIATE), and on PostgreSQL exclusion constraints refuse an overlap that a concurrent
booking slipped in (migration 0002)."""

from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clinic import roles
from clinic.models import User
from patients.models import Patient
from scheduling import notices
from scheduling.models import (
    APPOINTMENT_MINUTES,
    STATUS_ACTIONS,
    Appointment,
    AppointmentChange,
    Room,
    TimeOff,
    WorkingHours,
)
from scheduling.signals import slot_freed
from treatments import plans
from treatments.models import TreatmentPlan, TreatmentSession


class SlotTaken(Exception):
    """Practitioner, room or patient already busy; the message says who and when."""


class AppointmentChanged(Exception):
    """The appointment changed between reading it and writing it; the message says how."""


def local_hm(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def describe_clash(clash: Appointment, wanted: Appointment) -> str:
    when = {"start": local_hm(clash.start), "end": local_hm(clash.end)}
    if clash.is_hold:
        return _("%(start)s–%(end)s is held for a patient confirming it until %(until)s.") % {
            **when,
            "until": local_hm(clash.held_until),
        }
    if clash.practitioner_id == wanted.practitioner_id:
        return _("%(practitioner)s is already booked %(start)s–%(end)s.") % {**when, "practitioner": clash.practitioner}
    if clash.room_id == wanted.room_id:
        return _("%(room)s is already taken %(start)s–%(end)s.") % {**when, "room": clash.room}
    return _("%(patient)s already has an appointment %(start)s–%(end)s.") % {**when, "patient": clash.patient.full_name}


def check_bookable(appointment: Appointment, *, now: datetime | None = None) -> None:
    """Everything but overlaps: grid and length, the past, opening days, working hours,
    time off, and the treatment session's window. Raises ValidationError by field."""
    appointment.full_clean(exclude=["booked_by", "session"])
    now = now or timezone.now()
    if appointment.start < now:
        raise ValidationError({"start": _("That time has passed.")})
    practitioner = appointment.practitioner
    if not roles.abilities_of(practitioner).treat:
        raise ValidationError(
            {"practitioner": _("%(practitioner)s does not give treatments.") % {"practitioner": practitioner}}
        )
    if not appointment.room.active:
        raise ValidationError({"room": _("%(room)s is not in use.") % {"room": appointment.room}})
    start, end = timezone.localtime(appointment.start), timezone.localtime(appointment.end)
    if start.weekday() in settings.CLINIC_CLOSED_WEEKDAYS:
        # "Sundays" in English, "le dimanche" in French: the translation places the weekday.
        raise ValidationError(
            {"start": _("The clinic is closed on %(weekday)ss.") % {"weekday": date_format(start, "l")}}
        )
    if (
        end.date() != start.date()
        or not WorkingHours.objects.filter(
            practitioner=practitioner, weekday=start.weekday(), start__lte=start.time(), end__gte=end.time()
        ).exists()
    ):
        raise ValidationError(
            {
                "start": _("%(practitioner)s does not work %(day)s %(start)s–%(end)s.")
                % {
                    "practitioner": practitioner,
                    "day": date_format(start, "l d/m"),
                    "start": local_hm(start),
                    "end": local_hm(end),
                }
            }
        )
    away = (
        TimeOff.objects.filter(start__lt=appointment.end, end__gt=appointment.start)
        .filter(
            Q(practitioner=practitioner) | Q(room=appointment.room) | Q(practitioner__isnull=True, room__isnull=True)
        )
        .first()
    )
    if away:
        raise ValidationError(
            {"start": _("Not available: %(away)s, %(reason)s.") % {"away": away, "reason": away.reason}}
        )
    session = appointment.session
    if session is not None:
        if session.plan.patient_id != appointment.patient_id:
            raise ValidationError({"session": _("That session belongs to another patient's course.")})
        if refusal := session.why_not_bookable():
            raise ValidationError({"session": refusal})
        earliest, latest = session.booking_window(now.astimezone(start.tzinfo).date())
        if not earliest <= start.date() <= latest:
            raise ValidationError(
                {
                    "start": _("Session %(number)s should fall between %(earliest)s and %(latest)s.")
                    % {
                        "number": session.number,
                        "earliest": date_format(earliest, "d/m"),
                        "latest": date_format(latest, "d/m/Y"),
                    }
                }
            )
        ensure_in_course_order(session, start.date())


def ensure_in_course_order(session: TreatmentSession, day: date) -> None:
    """A session falls after the course's earlier sessions and before its later ones that
    already have a day (done or booked)."""
    known = plans.actual_dates(session.plan)
    known.pop(session.number, None)
    before = [(number, other) for number, other in known.items() if number < session.number]
    after = [(number, other) for number, other in known.items() if number > session.number]
    if before and day <= max(other for _, other in before):
        number, other = max(before, key=lambda pair: pair[1])
        raise ValidationError(
            {
                "start": _("Session %(other)s is on %(day)s; session %(number)s comes after it.")
                % {"other": number, "day": date_format(other, "d/m/Y"), "number": session.number}
            }
        )
    if after and day >= min(other for _, other in after):
        number, other = min(after, key=lambda pair: pair[1])
        raise ValidationError(
            {
                "start": _("Session %(other)s is on %(day)s; session %(number)s comes before it.")
                % {"other": number, "day": date_format(other, "d/m/Y"), "number": session.number}
            }
        )


def release_expired_holds(start: datetime, end: datetime) -> None:
    """Holds past their time that still sit where a write is about to go: gone first, or the
    database's no-overlap constraints would refuse the write for a slot no one holds now."""
    Appointment.objects.filter(status=Appointment.Status.PROPOSED, held_until__lte=timezone.now()).overlapping(
        start, end
    ).delete()


def ensure_free(appointment: Appointment) -> None:
    """Nothing but itself occupies the appointment's slot (its practitioner, room or patient):
    a live appointment or a hold still running. Called inside the write's transaction."""
    release_expired_holds(appointment.start, appointment.end)
    clash = (
        Appointment.objects.occupying()
        .overlapping(appointment.start, appointment.end)
        .filter(Q(practitioner=appointment.practitioner) | Q(room=appointment.room) | Q(patient=appointment.patient))
        .exclude(pk=appointment.pk)
        .select_related("practitioner", "room", "patient")
        .first()
    )
    if clash:
        raise SlotTaken(describe_clash(clash, appointment))


def is_free(appointment: Appointment) -> bool:
    try:
        ensure_free(appointment)
    except SlotTaken:
        return False
    return True


def refused_by_constraint(error: IntegrityError) -> SlotTaken:
    """PostgreSQL: a concurrent booking won and the exclusion constraint refused ours."""
    message = str(error)
    if "practitioner_no_overlap" in message:
        return SlotTaken(_("The practitioner was booked at that time a moment ago."))
    if "room_no_overlap" in message:
        return SlotTaken(_("The room was booked at that time a moment ago."))
    if "patient_no_overlap" in message:
        return SlotTaken(_("The patient was booked at that time a moment ago."))
    if "appointment_one_live_per_session" in message:
        return SlotTaken(_("That session was booked a moment ago."))
    raise error


def book_appointment(
    *,
    patient: Patient,
    practitioner: User,
    room: Room,
    start: datetime,
    minutes: int,
    booked_by: User,
    session: TreatmentSession | None = None,
) -> Appointment:
    if minutes not in APPOINTMENT_MINUTES:
        raise ValidationError({"minutes": _("Book 30, 45 or 60 minutes.")})
    appointment = Appointment(
        patient=patient,
        practitioner=practitioner,
        room=room,
        start=start,
        end=start + timedelta(minutes=minutes),
        session=session,
        booked_by=booked_by,
    )
    check_bookable(appointment)
    try:
        with transaction.atomic():
            # On SQLite this BEGIN IMMEDIATE holds the write lock, so no other booking can
            # slip between the check and the insert.
            ensure_free(appointment)
            if session is not None:
                ensure_session_unbooked(session)
            appointment.save(force_insert=True)
            record_booking(appointment, by=booked_by)
    except IntegrityError as error:
        raise refused_by_constraint(error) from None
    return appointment


def record_booking(appointment: Appointment, *, by: User, online: bool = False) -> None:
    """What follows a booking saved in the caller's transaction: its history line, its course
    session marked booked, the patient's confirmation and reminders, and, when the patient
    booked it online, the front desk and the practitioner told."""
    description = _("Booked online %(when)s") if online else _("Booked %(when)s")
    AppointmentChange.objects.log(appointment, by=by, description=description % {"when": describe_when(appointment)})
    if appointment.session_id is not None:
        plans.mark_booked(session=appointment.session, start=appointment.start, practitioner=appointment.practitioner)
    notices.booked(appointment)
    if online:
        notices.patient_changed_online(appointment, kind=notices.Kind.STAFF_PATIENT_BOOKED)


def ensure_session_unbooked(session: TreatmentSession) -> None:
    """No appointment books the session, and no patient holds a time for it meanwhile."""
    taken = session.appointments.occupying().first()
    if taken is None:
        return
    if taken.is_hold:
        raise SlotTaken(
            _("Session %(number)s is held for the patient, who is choosing a time online until %(until)s.")
            % {"number": session.number, "until": local_hm(taken.held_until)}
        )
    raise SlotTaken(_("Session %(number)s is already booked.") % {"number": session.number})


def describe_when(appointment: Appointment) -> str:
    return _("%(start)s–%(end)s with %(practitioner)s in %(room)s") % {
        "start": date_format(timezone.localtime(appointment.start), "D d/m/Y H:i"),
        "end": local_hm(appointment.end),
        "practitioner": appointment.practitioner,
        "room": appointment.room,
    }


def reschedule_appointment(
    *,
    appointment: Appointment,
    start: datetime,
    minutes: int,
    practitioner: User,
    room: Room,
    rescheduled_by: User,
    online: bool = False,
) -> Appointment:
    """Move a booked appointment; its history keeps where it was. The row is locked and read
    again before it is written, and only its time, practitioner and room are saved: a cancel,
    check-in or move that came first wins, and this one is refused (AppointmentChanged).
    `online`: the patient moved it in the portal, and the front desk and the practitioner are told."""
    if minutes not in APPOINTMENT_MINUTES:
        raise ValidationError({"minutes": _("Book 30, 45 or 60 minutes.")})
    moved = Appointment.objects.select_related("session__plan", "patient").get(pk=appointment.pk)
    if moved.status != Appointment.Status.BOOKED:
        raise ValidationError(
            _("A %(status)s appointment cannot be moved.") % {"status": moved.get_status_display().lower()}
        )
    before = describe_when(moved)
    was = (moved.status, moved.start, moved.end, moved.practitioner_id, moved.room_id)
    if (start, start + timedelta(minutes=minutes), practitioner.pk, room.pk) == was[1:]:
        raise ValidationError(_("This is already when, with whom and where the appointment is: nothing was moved."))
    moved.start, moved.end = start, start + timedelta(minutes=minutes)
    moved.practitioner, moved.room = practitioner, room
    check_bookable(moved)
    try:
        with transaction.atomic():
            now = locked(moved.pk)
            if (now.status, now.start, now.end, now.practitioner_id, now.room_id) != was:
                raise AppointmentChanged(
                    _("Someone changed this appointment a moment ago (%(status)s, %(when)s): nothing was moved.")
                    % {"status": now.get_status_display().lower(), "when": describe_when(now)}
                )
            ensure_free(moved)
            moved.sequence = now.sequence + 1
            moved.save(update_fields=["start", "end", "practitioner", "room", "sequence", "updated_at"])
            description = (
                _("Moved online from %(before)s to %(after)s") if online else _("Moved from %(before)s to %(after)s")
            )
            AppointmentChange.objects.log(
                moved, by=rescheduled_by, description=description % {"before": before, "after": describe_when(moved)}
            )
            if moved.session is not None:
                plans.mark_booked(session=moved.session, start=moved.start, practitioner=moved.practitioner)
            notices.moved(moved, previous_start=was[1])
            announce_freed(was[1], was[2], was[3])
            if online:
                notices.patient_changed_online(moved, kind=notices.Kind.STAFF_PATIENT_MOVED)
    except IntegrityError as error:
        raise refused_by_constraint(error) from None
    return moved


def locked(pk) -> Appointment:
    """The appointment read afresh under its lock; when it books a course session, the course
    is locked first, in the order every write takes them (treatments.plans.lock_course)."""
    if plan_id := Appointment.objects.filter(pk=pk).values_list("session__plan_id", flat=True).first():
        plans.lock_course(plan_id=plan_id)
    return Appointment.objects.select_for_update().get(pk=pk)


def cancel_appointment(
    *, appointment: Appointment, reason: str, cancelled_by: User, online: bool = False
) -> Appointment:
    """Cancel and free the slot; a course session it booked goes back to planned. `online`:
    the patient cancelled it in the portal, and the front desk and the practitioner are told."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the appointment is cancelled.")})
    with transaction.atomic():
        appointment = locked(appointment.pk)
        if appointment.status != Appointment.Status.BOOKED:
            raise ValidationError(
                _("A %(status)s appointment cannot be cancelled.")
                % {"status": appointment.get_status_display().lower()}
            )
        mark_cancelled(appointment, reason=reason, by=cancelled_by, online=online)
        if appointment.session_id:
            plans.release_booking(session=appointment.session)
        if online:
            notices.patient_changed_online(appointment, kind=notices.Kind.STAFF_PATIENT_CANCELLED)
    return appointment


def mark_cancelled(appointment: Appointment, *, reason: str, by: User, online: bool = False) -> None:
    """Write a cancellation on a locked appointment: its status, the reason it shows, the line
    in its history, and the patient's message; its slot is free for the waitlist once this
    commits. The caller has checked it may be cancelled."""
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancellation_reason = reason[:200]
    appointment.sequence += 1
    appointment.save(update_fields=["status", "cancellation_reason", "sequence", "updated_at"])
    AppointmentChange.objects.log(appointment, by=by, description=_("Cancelled: %(reason)s") % {"reason": reason})
    notices.cancelled(appointment, online=online)
    announce_freed(appointment.start, appointment.end, appointment.practitioner_id)


def announce_freed(start: datetime, end: datetime, practitioner_id: int | None) -> None:
    """Tell whoever listens (the waitlist) that the slot is free, once the caller's
    transaction commits: a write rolled back frees nothing."""
    if end > timezone.now():
        transaction.on_commit(
            partial(slot_freed.send, sender=Appointment, start=start, end=end, practitioner_id=practitioner_id),
            robust=True,
        )


def settle_recorded_session(*, session: TreatmentSession, settled_by: User) -> list[Appointment]:
    """Once a session is recorded, its appointment that day is done, and one still to come is
    cancelled: otherwise the patient would come back for a session already given. A no-show
    that day is done too (the patient came after all), unless the session was booked again
    or the slot went to someone else."""
    with transaction.atomic():
        day = timezone.localtime(session.done_at).date()
        settled = []
        appointments = list(
            Appointment.objects.select_for_update().filter(
                Q(status__in=Appointment.LIVE) | Q(status=Appointment.Status.NO_SHOW), session=session
            )
        )
        booked_again = any(appointment.is_live for appointment in appointments)
        for appointment in appointments:
            if timezone.localtime(appointment.start).date() == day:
                if appointment.status == Appointment.Status.NO_SHOW and (booked_again or not is_free(appointment)):
                    continue
                if appointment.status != Appointment.Status.DONE:
                    appointment.status = Appointment.Status.DONE
                    appointment.save(update_fields=["status", "updated_at"])
                    AppointmentChange.objects.log(
                        appointment, by=settled_by, description=_("Done: the session was recorded")
                    )
                    notices.status_changed(appointment)
                    settled.append(appointment)
            elif appointment.is_live and appointment.start > timezone.now():
                mark_cancelled(
                    appointment,
                    reason=_("The session was recorded on %(day)s") % {"day": date_format(day, "d/m/Y")},
                    by=settled_by,
                )
                settled.append(appointment)
    return settled


def cancel_course_appointments(*, plan: TreatmentPlan, reason: str, cancelled_by: User) -> list[Appointment]:
    """Cancel the course's appointments not yet done (booked or checked in, earlier today
    too), with the reason on each; the caller has cancelled the sessions themselves."""
    return cancel_open(Appointment.objects.filter(session__plan=plan), reason=reason, cancelled_by=cancelled_by)


def cancel_session_appointments(*, session: TreatmentSession, reason: str, cancelled_by: User) -> list[Appointment]:
    """Cancel the session's appointments not yet done, with the reason on each; the caller
    has skipped the session itself."""
    return cancel_open(Appointment.objects.filter(session=session), reason=reason, cancelled_by=cancelled_by)


def cancel_open(appointments, *, reason: str, cancelled_by: User) -> list[Appointment]:
    """Cancel those of `appointments` still open (booked or checked in), locked, each with the reason."""
    with transaction.atomic():
        cancelled = []
        for appointment in appointments.select_for_update().filter(
            status__in=[Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN]
        ):
            mark_cancelled(appointment, reason=reason, by=cancelled_by)
            cancelled.append(appointment)
    return cancelled


def set_appointment_status(*, appointment: Appointment, action: str, changed_by: User) -> Appointment:
    """Press a status button (scheduling.models.STATUS_ACTIONS) on the appointment, read again
    under its lock. A no-show marks its course session missed; undoing it, the same day,
    books the session again, if the slot is still free and nothing else happened to the
    session meanwhile (SlotTaken, ValidationError)."""
    try:
        with transaction.atomic():
            appointment = locked(appointment.pk)
            if refusal := appointment.status_refusal(action):
                raise ValidationError(refusal)
            _required, new_status, description, _label = STATUS_ACTIONS[action]
            if action == "undo_no_show":
                ensure_no_show_undoable(appointment)
            appointment.status = new_status
            appointment.save(update_fields=["status", "updated_at"])
            AppointmentChange.objects.log(appointment, by=changed_by, description=description)
            notices.status_changed(appointment)
            if appointment.session_id and action == "no_show":
                plans.mark_missed(session=appointment.session)
            elif appointment.session_id and action == "undo_no_show":
                plans.mark_booked(
                    session=appointment.session, start=appointment.start, practitioner=appointment.practitioner
                )
    except IntegrityError as error:
        raise refused_by_constraint(error) from None
    return appointment


def ensure_no_show_undoable(appointment: Appointment) -> None:
    """The patient came after all: their slot must still be free, and their course session
    still missed (not booked again, recorded, skipped or stopped since)."""
    ensure_free(appointment)
    if appointment.session_id:
        session = plans.locked_session(appointment.session_id)
        if session.status != TreatmentSession.Status.MISSED:
            raise ValidationError(
                _("Session %(number)s is %(status)s now: the no-show stands.")
                % {"number": session.number, "status": session.get_status_display().lower()}
            )
