"""Free slots for a day or several: three queries (working hours, rooms, and everything that
makes someone or something busy), then a sweep over each day's 15-minute grid in Python."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import UUIDField, Value
from django.utils import timezone

from clinic.models import User
from clinic.roles import Role
from patients.models import Patient
from scheduling.models import GRID_MINUTES, Appointment, Room, TimeOff, WorkingHours


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    practitioner: User
    room: Room

    def as_json(self) -> dict:
        return {
            "start": timezone.localtime(self.start).isoformat(),
            "end": timezone.localtime(self.end).isoformat(),
            "practitioner": self.practitioner.pk,
            "practitioner_name": str(self.practitioner),
            "room": self.room.pk,
            "room_name": self.room.name,
        }


@dataclass(frozen=True)
class Busy:
    start: datetime
    end: datetime
    practitioner_id: int | None
    room_id: int | None
    patient_id: UUID | None

    @property
    def whole_clinic(self) -> bool:
        # Appointments always name both; time off with neither closes the clinic.
        return self.practitioner_id is None and self.room_id is None

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


def local_moment(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def busy_intervals(start: datetime, end: datetime, *, ignoring: Appointment | None = None) -> list[Busy]:
    """What occupies a slot between `start` and `end` (appointments, holds, time off), in one
    query; `ignoring`: an appointment being moved, whose own time counts as free."""
    columns = ("start", "end", "practitioner_id", "room_id")
    appointments = Appointment.objects.occupying().overlapping(start, end)
    if ignoring is not None:
        appointments = appointments.exclude(pk=ignoring.pk)
    time_off = (
        TimeOff.objects.filter(start__lt=end, end__gt=start)
        .annotate(no_patient=Value(None, output_field=UUIDField()))
        .order_by()
        .values_list(*columns, "no_patient")
    )
    return [Busy(*row) for row in appointments.order_by().values_list(*columns, "patient_id").union(time_off, all=True)]


def free_slots(
    *,
    day: date,
    minutes: int,
    practitioner: User | None = None,
    room: Room | None = None,
    patient: Patient | None = None,
    ignoring: Appointment | None = None,
) -> list[Slot]:
    """Each start time on the grid where a practitioner (the one given, or any) works, is
    free, and has a room (the one given, or the first free) for `minutes`; none in the past,
    and none the patient, when given, is already booked at."""
    return free_slots_on(
        days=[day], minutes=minutes, practitioner=practitioner, room=room, patient=patient, ignoring=ignoring
    )[day]


def free_slots_on(
    *,
    days: list[date],
    minutes: int,
    practitioner: User | None = None,
    room: Room | None = None,
    patient: Patient | None = None,
    ignoring: Appointment | None = None,
    not_before: datetime | None = None,
) -> dict[date, list[Slot]]:
    """free_slots for several days in the same three queries, by day; `not_before`: no slot
    starts earlier (the clinic's notice for online booking; by default, now)."""
    open_days = sorted({day for day in days if day.weekday() not in settings.CLINIC_CLOSED_WEEKDAYS})
    found = {day: [] for day in days}
    if not open_days:
        return found
    hours = WorkingHours.objects.filter(
        weekday__in={day.weekday() for day in open_days},
        practitioner__groups__name=Role.DERMATOLOGIST,
        practitioner__is_active=True,
    ).select_related("practitioner")
    if practitioner is not None:
        hours = hours.filter(practitioner=practitioner)
    hours_by_weekday = defaultdict(list)
    for interval in sorted(hours, key=lambda h: (h.practitioner.last_name, h.practitioner_id, h.start)):
        hours_by_weekday[interval.weekday].append(interval)
    rooms = Room.objects.filter(active=True)
    if room is not None:
        rooms = rooms.filter(pk=room.pk)
    rooms = list(rooms)
    busy = busy_intervals(
        local_moment(open_days[0], time.min),
        local_moment(open_days[-1] + timedelta(days=1), time.min),
        ignoring=ignoring,
    )
    not_before = max(not_before or timezone.now(), timezone.now())
    for day in open_days:
        found[day] = day_slots(
            day, hours_by_weekday[day.weekday()], rooms, busy, minutes=minutes, patient=patient, not_before=not_before
        )
    return found


def day_slots(
    day: date,
    hours: list[WorkingHours],
    rooms: list[Room],
    busy: list[Busy],
    *,
    minutes: int,
    patient: Patient | None,
    not_before: datetime,
) -> list[Slot]:
    """The sweep over one day's grid, with everything already read."""
    day_start = local_moment(day, time.min)
    day_end = day_start + timedelta(days=1)
    busy = [interval for interval in busy if interval.overlaps(day_start, day_end)]
    busy_by_practitioner, busy_by_room, clinic_closed = defaultdict(list), defaultdict(list), []
    patient_busy = [interval for interval in busy if patient is not None and interval.patient_id == patient.pk]
    for interval in busy:
        if interval.whole_clinic:
            clinic_closed.append(interval)
        if interval.practitioner_id is not None:
            busy_by_practitioner[interval.practitioner_id].append(interval)
        if interval.room_id is not None:
            busy_by_room[interval.room_id].append(interval)

    length = timedelta(minutes=minutes)
    slots, offered = [], set()
    for interval in hours:
        start = local_moment(day, first_grid_time(interval.start))
        close = local_moment(day, interval.end)
        while start + length <= close:
            end = start + length
            people_free = not any(
                b.overlaps(start, end)
                for b in (*clinic_closed, *patient_busy, *busy_by_practitioner[interval.practitioner_id])
            )
            # Overlapping intervals of working hours must not offer a start twice.
            if start >= not_before and people_free and (start, interval.practitioner_id) not in offered:
                free_room = next(
                    (r for r in rooms if not any(b.overlaps(start, end) for b in busy_by_room[r.pk])), None
                )
                if free_room is not None:
                    slots.append(Slot(start, end, interval.practitioner, free_room))
                    offered.add((start, interval.practitioner_id))
            start += timedelta(minutes=GRID_MINUTES)
    return sorted(slots, key=lambda slot: (slot.start, slot.practitioner.last_name))


def first_grid_time(clock: time) -> time:
    """`clock`, or the next quarter hour if it is not on one."""
    minutes = clock.hour * 60 + clock.minute + (1 if clock.second or clock.microsecond else 0)
    minutes = -(-minutes // GRID_MINUTES) * GRID_MINUTES
    return time(minutes // 60, minutes % 60) if minutes < 24 * 60 else time.max
