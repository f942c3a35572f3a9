"""The free-slot finder against a brute force that tries every quarter hour one by one."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from clinic.roles import Role
from scheduling import booking
from scheduling.models import Appointment, TimeOff, WorkingHours
from scheduling.slots import free_slots
from tests.factories import AppointmentFactory, PatientFactory, RoomFactory, TimeOffFactory, UserFactory
from tests.scheduling.conftest import MONDAY, PARIS, TUESDAY, at, works_all_week

LATE_MORNING = at(MONDAY, "11:07")  # the brute force runs on Monday with the morning gone
DAYS = [
    date(2026, 2, 28),  # last Saturday: all past
    MONDAY,  # today, from 11:15
    TUESDAY,
    date(2026, 3, 7),  # a Saturday
    date(2026, 3, 8),  # a Sunday
    date(2026, 3, 29),  # Sunday: summer time begins
    date(2026, 3, 30),  # the Monday after
    date(2026, 10, 25),  # Sunday: summer time ends
]
LENGTHS = (30, 45, 60)
QUARTERS = range(24 * 4)
ALL_STATUSES = list(Appointment.Status)


@dataclass(frozen=True)
class Hours:
    practitioner: int  # index into the practitioners
    weekday: int
    start: int  # quarter hours from midnight
    end: int


@dataclass(frozen=True)
class Booked:
    practitioner: int
    room: int
    start: int  # quarter hours from the day's midnight; negative is the evening before
    minutes: int
    status: str


@dataclass(frozen=True)
class Away:
    practitioner: int | None
    room: int | None
    start: int  # minutes from the day's midnight, any minute
    minutes: int


def clock(quarters: int) -> time:
    return time(quarters // 4, quarters % 4 * 15)


@st.composite
def clinic_days(draw):
    day = draw(st.sampled_from([*DAYS, TUESDAY, TUESDAY, date(2026, 3, 30)]))
    weekdays = st.sampled_from([day.weekday()] * 4 + list(range(7)))  # mostly the day's own
    hours = []
    for practitioner in range(5):
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.integers(6 * 4, 21 * 4))
            end = draw(st.integers(start + 1, 22 * 4))
            hours.append(Hours(practitioner, draw(weekdays), start, end))
    booked = draw(
        st.lists(
            st.builds(
                Booked,
                practitioner=st.integers(0, 4),
                room=st.integers(0, 2),
                start=st.integers(-4, 95),
                minutes=st.sampled_from(LENGTHS),
                status=st.sampled_from(ALL_STATUSES),
            ),
            max_size=15,
        )
    )
    away = draw(
        st.lists(
            st.builds(
                Away,
                practitioner=st.none() | st.integers(0, 4),
                room=st.none() | st.integers(0, 2),
                start=st.integers(-24 * 60 // 5, 24 * 60 // 5).map(lambda n: n * 5),
                minutes=st.integers(1, 120).map(lambda n: n * 5),
            ),
            max_size=4,
        )
    )
    return {
        "day": day,
        "hours": hours,
        "booked": booked,
        "away": away,
        "rooms_active": draw(st.lists(st.sampled_from([True, True, True, False]), min_size=3, max_size=3)),
        "closed": draw(st.sampled_from([frozenset({6}), frozenset()])),
        "minutes": draw(st.sampled_from(LENGTHS)),
        "practitioner": draw(st.sampled_from([None, None, None, 0, 1, 2, 3, 4])),
        "room": draw(st.sampled_from([None, None, None, 0, 1, 2])),
    }


def without_overlaps(booked: list[Booked], day: date) -> list[tuple[Booked, datetime, datetime]]:
    """The draws PostgreSQL would accept: live ones and holds overlap no other of their
    practitioner or room (each appointment has its own patient)."""
    kept = []
    midnight = datetime.combine(day, time(), tzinfo=PARIS)
    for b in booked:
        start = (midnight + timedelta(minutes=15 * b.start)).astimezone(UTC)  # lengths in real time
        end = start + timedelta(minutes=b.minutes)
        live = b.status in Appointment.OCCUPYING
        if live and any(
            k.status in Appointment.OCCUPYING
            and (k.practitioner == b.practitioner or k.room == b.room)
            and k_start < end
            and start < k_end
            for k, k_start, k_end in kept
        ):
            continue
        kept.append((b, start, end))
    return kept


def brute_force(data, appointments, away, practitioners, eligible, rooms) -> dict[tuple[datetime, int], set[int]]:
    """Every (start, practitioner) bookable on the day, with the rooms free for it, one
    quarter hour at a time."""
    day, minutes = data["day"], data["minutes"]
    if day.weekday() in data["closed"]:
        return {}
    wanted = [practitioners[data["practitioner"]]] if data["practitioner"] is not None else practitioners
    candidate_rooms = [rooms[data["room"]]] if data["room"] is not None else rooms
    candidate_rooms = [room for room in candidate_rooms if room.active]
    found = {}
    for practitioner in wanted:
        if practitioner.pk not in eligible:
            continue
        for quarter in QUARTERS:
            start = datetime.combine(day, clock(quarter), tzinfo=PARIS)
            end = start + timedelta(minutes=minutes)
            if start < LATE_MORNING or end.date() != day:
                continue
            works = any(
                h.practitioner == practitioners.index(practitioner)
                and h.weekday == day.weekday()
                and clock(h.start) <= start.time()
                and end.time() <= clock(h.end)
                for h in data["hours"]
            )
            if not works:
                continue
            start, end = start.astimezone(UTC), end.astimezone(UTC)  # compare instants, not wall clocks
            if any(
                a.practitioner_id == practitioner.pk
                and a.status in Appointment.OCCUPYING
                and a.start < end
                and start < a.end
                for a in appointments
            ):
                continue
            if any(
                (t.practitioner_id == practitioner.pk or (t.practitioner_id is None and t.room_id is None))
                and t.start < end
                and start < t.end
                for t in away
            ):
                continue
            free_rooms = {
                room.pk
                for room in candidate_rooms
                if not any(
                    a.room_id == room.pk and a.status in Appointment.OCCUPYING and a.start < end and start < a.end
                    for a in appointments
                )
                and not any(t.room_id == room.pk and t.start < end and start < t.end for t in away)
            }
            if free_rooms:
                found[(start, practitioner.pk)] = free_rooms
    return found


@pytest.fixture
def cast(db, charlie):
    """Three working dermatologists, one who left, one front-desk clerk (hours but no
    treatments), three rooms and sixteen patients."""
    practitioners = [
        UserFactory(username=f"derm{n}", last_name=f"Doctor {n}", role=Role.DERMATOLOGIST) for n in range(4)
    ]
    practitioners[3].is_active = False
    practitioners[3].save()
    practitioners.append(charlie)
    rooms = [RoomFactory(name=f"Room {n}") for n in range(3)]
    return practitioners, rooms, PatientFactory.create_batch(16)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=clinic_days())
def test_free_slots_match_a_brute_force(cast, charlie, time_machine, data):
    time_machine.move_to(LATE_MORNING, tick=False)
    practitioners, rooms, patients = cast
    newcomer = patients[-1]  # the drawn appointments take at most the first fifteen
    eligible = {p.pk for p in practitioners[:3]}
    with transaction.atomic(), override_settings(CLINIC_CLOSED_WEEKDAYS=data["closed"]):
        for room, active in zip(rooms, data["rooms_active"], strict=True):
            room.active = active
            room.save()
        WorkingHours.objects.bulk_create(
            WorkingHours(
                practitioner=practitioners[h.practitioner], weekday=h.weekday, start=clock(h.start), end=clock(h.end)
            )
            for h in data["hours"]
        )
        appointments = Appointment.objects.bulk_create(
            Appointment(
                patient=patients[n],
                practitioner=practitioners[b.practitioner],
                room=rooms[b.room],
                start=start,
                end=end,
                status=b.status,
                # A hold drawn is one still running: it occupies its slot as a booking does.
                held_until=timezone.now() + timedelta(minutes=5) if b.status == Appointment.Status.PROPOSED else None,
                booked_by=charlie,
            )
            for n, (b, start, end) in enumerate(without_overlaps(data["booked"], data["day"]))
        )
        midnight = datetime.combine(data["day"], time(), tzinfo=PARIS)
        away = TimeOff.objects.bulk_create(
            TimeOff(
                practitioner=practitioners[a.practitioner] if a.practitioner is not None else None,
                room=rooms[a.room] if a.room is not None else None,
                start=(midnight + timedelta(minutes=a.start)).astimezone(UTC),
                end=(midnight + timedelta(minutes=a.start)).astimezone(UTC) + timedelta(minutes=a.minutes),
                reason="Away",
            )
            for a in data["away"]
        )

        slots = free_slots(
            day=data["day"],
            minutes=data["minutes"],
            practitioner=practitioners[data["practitioner"]] if data["practitioner"] is not None else None,
            room=rooms[data["room"]] if data["room"] is not None else None,
        )
        expected = brute_force(data, appointments, away, practitioners, eligible, rooms)
        for slot in {slot.start: slot for slot in slots[:: max(1, len(slots) // 3)]}.values():
            with transaction.atomic():  # what the finder offers, booking accepts
                booking.book_appointment(
                    patient=newcomer,
                    practitioner=slot.practitioner,
                    room=slot.room,
                    start=slot.start,
                    minutes=data["minutes"],
                    booked_by=charlie,
                )
                transaction.set_rollback(True)
        transaction.set_rollback(True)

    found = [(slot.start, slot.practitioner.pk) for slot in slots]
    event("no free slot" if not expected else "some free slots")
    assert set(found) == set(expected)
    assert len(found) == len(set(found)), "a slot is offered twice"
    for slot in slots:
        assert slot.end - slot.start == timedelta(minutes=data["minutes"])
        assert slot.room.pk in expected[(slot.start, slot.practitioner.pk)]
    assert found == sorted(found, key=lambda pair: pair[0]), "slots come in time order"


def hm(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def quarters_from(first: str, last: str) -> list[str]:
    """Every quarter hour from `first` to `last`, both included."""
    times, moment = [], at(TUESDAY, first)
    while moment <= at(TUESDAY, last):
        times.append(hm(moment))
        moment += timedelta(minutes=15)
    return times


def test_free_slots_on_an_ordinary_day(derek_works, derek, erin, room1, room2, alice):
    """Derek is busy 10:00–10:30 in room 1, Erin is away from 13:00, room 1 is out of use
    12:00–13:00: each shows in the hour-long slots as a person would expect."""
    AppointmentFactory(patient=alice, practitioner=derek, room=room1, start=at(TUESDAY, "10:00"))
    TimeOffFactory(practitioner=erin, start=at(TUESDAY, "13:00"), end=at(TUESDAY + timedelta(days=1), "09:00"))
    TimeOffFactory(room=room1, start=at(TUESDAY, "12:00"), end=at(TUESDAY, "13:00"))

    slots = free_slots(day=TUESDAY, minutes=60)

    assert [hm(s.start) for s in slots if s.practitioner == derek] == ["09:00", *quarters_from("10:30", "17:00")]
    assert [hm(s.start) for s in slots if s.practitioner == erin] == quarters_from("09:00", "12:00")
    room = {(hm(s.start), s.practitioner): s.room for s in slots}
    assert room[("09:00", erin)] == room1  # Derek's appointment in room 1 starts as this ends
    assert room[("09:15", erin)] == room2
    assert room[("11:00", erin)] == room1
    assert room[("11:15", erin)] == room2  # room 1 is out of use from 12:00
    assert room[("13:00", derek)] == room1
    assert all(s.end - s.start == timedelta(hours=1) for s in slots)
    assert free_slots(day=date(2026, 3, 8), minutes=30) == []  # Sunday: closed


def test_overlapping_working_hours_offer_each_slot_once(derek, room1):
    """Two intervals that overlap (the model allows it: 09:00–12:00 and 11:00–14:00) still
    make one slot at 11:00, not two buttons for the same thing."""
    for start, end in ((time(9), time(12)), (time(11), time(14))):
        WorkingHours.objects.create(practitioner=derek, weekday=TUESDAY.weekday(), start=start, end=end)
    starts = [timezone.localtime(slot.start).strftime("%H:%M") for slot in free_slots(day=TUESDAY, minutes=30)]
    assert set(starts) == {f"{h:02d}:{m:02d}" for h in range(9, 14) for m in (0, 15, 30, 45)} - {"13:45"}
    assert len(starts) == len(set(starts)), "a slot is offered twice"


def test_free_slots_skip_what_has_passed_today(derek_works, derek, room1, time_machine):
    time_machine.move_to(at(MONDAY, "11:07"), tick=False)
    starts = [timezone.localtime(slot.start).strftime("%H:%M") for slot in free_slots(day=MONDAY, minutes=30)]
    assert starts[0] == "11:15"
    assert starts[-1] == "17:30"


def test_working_hours_off_the_grid_start_at_the_next_quarter(derek, room1):
    WorkingHours.objects.create(practitioner=derek, weekday=TUESDAY.weekday(), start=time(9, 5), end=time(10, 50))
    starts = [timezone.localtime(slot.start).strftime("%H:%M") for slot in free_slots(day=TUESDAY, minutes=30)]
    assert starts == ["09:15", "09:30", "09:45", "10:00", "10:15"]


@pytest.mark.parametrize("size", [1, 40])
def test_free_slots_take_three_queries_whatever_the_data(django_assert_max_num_queries, charlie, size):
    """Working hours with their practitioners, rooms, and appointments with time off in one union."""
    rooms = [RoomFactory(name=f"Room {n}") for n in range(size)]
    practitioners = [UserFactory(username=f"derm{n}", role=Role.DERMATOLOGIST) for n in range(size)]
    patients = PatientFactory.create_batch(size)
    for practitioner in practitioners:
        works_all_week(practitioner, start=time(8), end=time(20))
        practitioner.working_hours.create(weekday=TUESDAY.weekday(), start=time(20), end=time(21))
    Appointment.objects.bulk_create(
        Appointment(
            patient=patients[n],
            practitioner=practitioners[n],
            room=rooms[(n + q) % size],
            start=at(TUESDAY, "08:00") + timedelta(minutes=45 * q),
            end=at(TUESDAY, "08:30") + timedelta(minutes=45 * q),
            booked_by=charlie,
        )
        for n in range(size)
        for q in range(0, 16, 1 if size == 1 else 2)
        if size == 1 or (n + q) % size != (n + q - 2) % size
    )
    TimeOff.objects.bulk_create(
        TimeOff(practitioner=practitioners[n], start=at(TUESDAY, "12:00"), end=at(TUESDAY, "13:00"), reason="Lunch")
        for n in range(size)
    )
    TimeOffFactory(room=rooms[0], start=at(TUESDAY, "15:00"), end=at(TUESDAY, "16:00"))

    for practitioner, room in [(None, None), (practitioners[-1], None), (None, rooms[-1])]:
        with django_assert_max_num_queries(3):
            slots = free_slots(day=TUESDAY, minutes=45, practitioner=practitioner, room=room)
            assert slots
            assert {(s.practitioner.last_name, s.room.name) for s in slots}


def test_a_patients_slots_leave_out_the_times_they_are_already_booked(
    client, charlie, derek, derek_works, erin, room1, room2, alice, bob
):
    booking.book_appointment(
        patient=alice, practitioner=erin, room=room1, start=at(TUESDAY, "10:00"), minutes=45, booked_by=charlie
    )
    client.force_login(charlie)
    query = {"practitioner": derek.pk, "date": "2026-03-03", "minutes": 30}

    for_alice = client.get("/schedule/slots/", query | {"patient": alice.pk}, headers={"Accept": "application/json"})
    for_bob = client.get("/schedule/slots/", query | {"patient": bob.pk}, headers={"Accept": "application/json"})

    def starts(response):
        return {slot["start"][11:16] for slot in response.json()["slots"]}

    assert {"09:30", "10:45"} <= starts(for_alice)
    assert not {"09:45", "10:00", "10:15", "10:30"} & starts(for_alice)
    assert {"09:45", "10:00", "10:15", "10:30"} <= starts(for_bob)
