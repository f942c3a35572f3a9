"""The waitlist: a freed slot is offered to the first eligible patient by email, held for
them, taken or let go through a signed link without signing in; an offer left unanswered
passes to the next patient. It is Monday 2 March 2026, 08:00 (tests/scheduling/conftest.py).

Bob's and Carol's courses had session 1 today: session 2 falls between 9 and 30 March. Bob's
session 2 is booked for Wednesday 25 March; Carol's is not booked."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from clinic.models import User
from messaging.models import Kind, OutboxMessage
from patients.models import Patient
from scheduling import booking, tasks, waitlist
from scheduling.models import Appointment, Room, TimeOff, WaitlistEntry, WaitlistOffer
from tests.factories import PatientFactory, RoomFactory, TreatmentPlanFactory, UserFactory
from tests.races import RACE, race
from tests.scheduling.conftest import MONDAY, at, works_all_week

pytestmark = pytest.mark.usefixtures("derek_works", "room1")

TUESDAY_10 = at(MONDAY + timedelta(days=8), "10:00")


@pytest.fixture
def bob_course(bob, derek, room1, charlie):
    plan = TreatmentPlanFactory(patient=bob, created_by=derek, start_date=MONDAY, sessions_done=1)
    booking.book_appointment(
        patient=bob,
        practitioner=derek,
        room=room1,
        start=at(MONDAY + timedelta(days=23), "10:00"),
        minutes=30,
        booked_by=charlie,
        session=plan.sessions.get(number=2),
    )
    return plan


@pytest.fixture
def carol(db):
    return PatientFactory(
        first_name="Carol", last_name="Cole", portal_user=UserFactory(username="carol", role="patient")
    )


@pytest.fixture
def carol_course(carol, derek):
    return TreatmentPlanFactory(patient=carol, created_by=derek, start_date=MONDAY, sessions_done=1)


def waits(patient, plan, by, **preferences) -> WaitlistEntry:
    return waitlist.join(
        patient=patient,
        session=plan.sessions.get(number=2),
        weekdays=preferences.get("weekdays", []),
        time_of_day=preferences.get("time_of_day", ""),
        joined_by=by,
    )


@pytest.fixture
def alice_books(alice, derek, room1, charlie):
    """Alice's 30 minutes with Derek at a start: the visit whose cancelling frees a slot."""

    def book(start) -> Appointment:
        return booking.book_appointment(
            patient=alice, practitioner=derek, room=room1, start=start, minutes=30, booked_by=charlie
        )

    return book


@pytest.fixture
def alices_visit(alice_books) -> Appointment:
    return alice_books(TUESDAY_10)


def cancel(appointment, by, capture) -> None:
    with capture(execute=True):
        booking.cancel_appointment(appointment=appointment, reason="Patient ill", cancelled_by=by)


def offer_link(offer) -> str:
    message = OutboxMessage.objects.filter(kind=Kind.WAITLIST_OFFER, about=f"waitlist-offer:{offer.pk}").get()
    return re.search(r"http://[^\s]+/waitlist/offers/[^\s]+/", message.body_text).group(0).split("8000", 1)[-1]


def test_a_cancelled_slot_is_offered_to_the_waiting_patient_by_email(
    bob, bob_course, alices_visit, charlie, django_capture_on_commit_callbacks
):
    waits(bob, bob_course, charlie)
    cancel(alices_visit, charlie, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    assert (offer.entry.patient, offer.start, offer.status) == (bob, TUESDAY_10, WaitlistOffer.Status.OFFERED)
    assert offer.expires_at == timezone.now() + timedelta(minutes=30)  # more than a day away
    assert offer.hold.status == Appointment.Status.PROPOSED and offer.hold.moves.patient == bob
    message = OutboxMessage.objects.get(kind=Kind.WAITLIST_OFFER)
    assert message.recipient == bob.email
    assert "Tuesday 10 March 2026, 10:00–10:30" in message.body_text
    assert "We keep it for you until 08:30 on Monday 2 March." in message.body_text


def test_the_patient_takes_the_offer_through_the_link_without_signing_in(
    bob, bob_course, alices_visit, charlie, django_capture_on_commit_callbacks
):
    waits(bob, bob_course, charlie)
    cancel(alices_visit, charlie, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    anonymous = Client()
    page = anonymous.get(offer_link(offer)).content.decode()
    assert "Tuesday 10 March 2026, 10:00–10:30" in page
    assert "Take this time" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post(offer_link(offer), {"answer": "accept"})
    assert "It is booked: Tuesday 10 March 2026 at 10:00 with" in response.content.decode()
    moved = bob_course.sessions.get(number=2).appointments.get(status=Appointment.Status.BOOKED)
    assert moved.start == TUESDAY_10
    offer.refresh_from_db()
    assert offer.status == WaitlistOffer.Status.ACCEPTED and offer.hold == moved
    assert WaitlistEntry.objects.get(pk=offer.entry_id).status == WaitlistEntry.Status.BOOKED
    assert OutboxMessage.objects.filter(kind=Kind.STAFF_PATIENT_MOVED, recipient=charlie.email).exists()
    again = anonymous.post(offer_link(offer), {"answer": "accept"}).content.decode()
    assert "You took this time already: it is booked for you." in again


def test_an_offer_left_unanswered_passes_to_the_next_patient(
    bob, bob_course, carol, carol_course, alices_visit, charlie, time_machine, django_capture_on_commit_callbacks
):
    waits(carol, carol_course, charlie)
    waits(bob, bob_course, charlie)
    cancel(alices_visit, charlie, django_capture_on_commit_callbacks)
    first = WaitlistOffer.objects.get()
    assert first.entry.patient == carol  # same window's end: Carol joined first

    time_machine.move_to(timezone.now() + timedelta(minutes=31), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.release_lapsed_holds.call_local()
    first.refresh_from_db()
    assert first.status == WaitlistOffer.Status.EXPIRED and first.hold is None
    second = WaitlistOffer.objects.get(status=WaitlistOffer.Status.OFFERED)
    assert (second.entry.patient, second.start) == (bob, TUESDAY_10)
    lapsed = Client().post(offer_link(first), {"answer": "accept"}).content.decode()
    assert "This offer has lapsed" in lapsed
    assert WaitlistEntry.objects.get(patient=carol).status == WaitlistEntry.Status.WAITING


def test_letting_an_offer_go_offers_it_to_the_next(
    bob, bob_course, carol, carol_course, alices_visit, charlie, django_capture_on_commit_callbacks
):
    waits(carol, carol_course, charlie)
    waits(bob, bob_course, charlie)
    cancel(alices_visit, charlie, django_capture_on_commit_callbacks)
    first = WaitlistOffer.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        page = Client().post(offer_link(first), {"answer": "decline"}).content.decode()
    assert "the time goes to someone else. You stay on the waitlist." in page
    assert WaitlistOffer.objects.get(status=WaitlistOffer.Status.OFFERED).entry.patient == bob


def test_a_slot_freed_while_an_offer_is_open_is_offered_too_and_taking_one_passes_the_other_on(
    alice_books,
    bob,
    bob_course,
    carol,
    carol_course,
    alice,
    alices_visit,
    derek,
    room1,
    charlie,
    django_capture_on_commit_callbacks,
):
    waits(bob, bob_course, charlie)
    cancel(alices_visit, charlie, django_capture_on_commit_callbacks)
    later = WaitlistOffer.objects.get()
    waits(carol, carol_course, charlie)
    monday_10 = at(MONDAY + timedelta(days=7), "10:00")
    earlier_visit = alice_books(monday_10)
    cancel(earlier_visit, charlie, django_capture_on_commit_callbacks)
    earlier = WaitlistOffer.objects.exclude(pk=later.pk).get()
    assert (earlier.entry.patient, earlier.start) == (bob, monday_10)  # earlier than his open offer

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(offer_link(earlier), {"answer": "accept"})
    later.refresh_from_db()
    assert later.status == WaitlistOffer.Status.WITHDRAWN and later.hold is None
    passed_on = WaitlistOffer.objects.get(status=WaitlistOffer.Status.OFFERED)
    assert (passed_on.entry.patient, passed_on.start) == (carol, TUESDAY_10)
    closed = Client().post(offer_link(later), {"answer": "accept"}).content.decode()
    assert "This offer is closed: you took another time" in closed
    assert bob_course.sessions.get(number=2).appointments.get(status=Appointment.Status.BOOKED).start == monday_10


def test_a_later_time_than_an_open_offer_is_not_offered(
    alice_books, bob, bob_course, alices_visit, charlie, django_capture_on_commit_callbacks
):
    waits(bob, bob_course, charlie)
    cancel(alices_visit, charlie, django_capture_on_commit_callbacks)
    later_visit = alice_books(at(MONDAY + timedelta(days=9), "10:00"))
    cancel(later_visit, charlie, django_capture_on_commit_callbacks)
    assert WaitlistOffer.objects.get().start == TUESDAY_10


def test_the_offer_page_answers_in_the_patients_language(
    bob, bob_course, alices_visit, charlie, django_capture_on_commit_callbacks
):
    Patient.objects.filter(pk=bob.pk).update(preferred_language="fr")
    waits(bob, bob_course, charlie)
    cancel(alices_visit, charlie, django_capture_on_commit_callbacks)
    link = offer_link(WaitlistOffer.objects.get())
    with django_capture_on_commit_callbacks(execute=True):
        page = Client().post(link, {"answer": "accept"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "C’est réservé : le mardi 10 mars 2026 à 10:00" in page
    assert '<html lang="fr">' in page


def test_a_forged_or_altered_link_reaches_nothing(
    bob, bob_course, alices_visit, charlie, django_capture_on_commit_callbacks
):
    waits(bob, bob_course, charlie)
    cancel(alices_visit, charlie, django_capture_on_commit_callbacks)
    link = offer_link(WaitlistOffer.objects.get())
    for forged in ("/waitlist/offers/1/", link[:-3] + "xx/", "/waitlist/offers/%s/" % ("A" * 40)):
        response = Client().post(forged, {"answer": "accept"})
        assert response.status_code == 404
        assert "This link does not name an offer." in response.content.decode()
    assert WaitlistOffer.objects.get().status == WaitlistOffer.Status.OFFERED


def test_the_held_slot_is_refused_to_the_desk(
    alice_books, bob, bob_course, alices_visit, charlie, django_capture_on_commit_callbacks
):
    waits(bob, bob_course, charlie)
    cancel(alices_visit, charlie, django_capture_on_commit_callbacks)
    with pytest.raises(booking.SlotTaken, match="held for a patient"):
        alice_books(TUESDAY_10)


def test_no_offer_within_two_hours_of_the_slot(
    alice_books, bob, bob_course, charlie, django_capture_on_commit_callbacks
):
    waits(bob, bob_course, charlie)
    soon = alice_books(at(MONDAY, "09:30"))
    cancel(soon, charlie, django_capture_on_commit_callbacks)
    assert not WaitlistOffer.objects.exists()


def test_only_days_and_times_that_suit_are_offered(
    bob, bob_course, alices_visit, charlie, django_capture_on_commit_callbacks
):
    waits(bob, bob_course, charlie, time_of_day="afternoon")
    cancel(alices_visit, charlie, django_capture_on_commit_callbacks)
    assert not WaitlistOffer.objects.exists()


def test_only_earlier_than_the_booking_and_inside_the_window(
    alice_books, carol, carol_course, bob, bob_course, charlie, django_capture_on_commit_callbacks
):
    waits(bob, bob_course, charlie)
    later = alice_books(at(MONDAY + timedelta(days=24), "10:00"))
    cancel(later, charlie, django_capture_on_commit_callbacks)  # after Bob's booking
    assert not WaitlistOffer.objects.exists()
    outside = alice_books(at(MONDAY + timedelta(days=3), "10:00"))
    cancel(outside, charlie, django_capture_on_commit_callbacks)  # before the window opens
    assert not WaitlistOffer.objects.exists()


def test_at_most_three_offers_a_patient_a_day(
    alice_books, bob, bob_course, derek, charlie, django_capture_on_commit_callbacks
):
    entry = waits(bob, bob_course, charlie)
    for hour in (9, 10, 11):
        WaitlistOffer.objects.create(
            entry=entry,
            start=at(MONDAY + timedelta(days=9), f"{hour:02d}:00"),
            end=at(MONDAY + timedelta(days=9), f"{hour:02d}:30"),
            practitioner=derek,
            status=WaitlistOffer.Status.DECLINED,
            expires_at=timezone.now(),
        )
    visit = alice_books(TUESDAY_10)
    cancel(visit, charlie, django_capture_on_commit_callbacks)
    assert not WaitlistOffer.objects.filter(status=WaitlistOffer.Status.OFFERED).exists()


def test_time_off_taken_away_frees_its_slots_for_the_waitlist(
    carol, carol_course, derek, charlie, django_capture_on_commit_callbacks
):
    waits(carol, carol_course, charlie)
    away = TimeOff.objects.create(
        practitioner=derek,
        start=at(MONDAY + timedelta(days=9), "09:00"),
        end=at(MONDAY + timedelta(days=9), "12:00"),
        reason="Congress",
    )
    with django_capture_on_commit_callbacks(execute=True):
        away.delete()
    offer = WaitlistOffer.objects.get()
    assert offer.start == at(MONDAY + timedelta(days=9), "09:00")
    assert offer.hold.session == carol_course.sessions.get(number=2)


def test_the_desk_sees_who_waits_and_the_offers_in_flight(
    client, bob, bob_course, carol, carol_course, alices_visit, charlie, django_capture_on_commit_callbacks
):
    waits(carol, carol_course, charlie, weekdays=[1, 3], time_of_day="morning")
    waits(bob, bob_course, charlie)
    cancel(alices_visit, charlie, django_capture_on_commit_callbacks)
    client.force_login(charlie)
    page = client.get("/waitlist/").content.decode()
    assert "Offers waiting for an answer" in page
    assert page.index("Carol Cole") < page.index("Bob Baker")
    assert "Tuesday, Thursday · Morning" in page
    assert "not booked" in page and "Wed 25/03 10:00" in page


def test_the_desk_adds_a_patient_from_their_appointment_and_takes_them_off(client, bob, bob_course, charlie):
    client.force_login(charlie)
    visit = bob_course.sessions.get(number=2).appointments.get()
    assert f"/appointments/{visit.pk}/waitlist/" in client.get(f"/appointments/{visit.pk}/").content.decode()
    response = client.post(f"/appointments/{visit.pk}/waitlist/", {"weekdays": ["0", "4"], "time_of_day": "afternoon"})
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.weekdays, entry.time_of_day, entry.joined_by) == ([0, 4], "afternoon", charlie)
    client.post(f"/waitlist/{entry.pk}/remove/")
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.LEFT


def test_a_patient_joins_from_the_portal_and_leaves(client, carol, carol_course):
    client.force_login(carol.portal_user)
    second = carol_course.sessions.get(number=2)
    assert (
        f"/portal/sessions/{second.pk}/waitlist/" in client.get(f"/portal/sessions/{second.pk}/book/").content.decode()
    )
    response = client.post(
        f"/portal/sessions/{second.pk}/waitlist/", {"weekdays": ["2"], "time_of_day": ""}, follow=True
    )
    assert "You are on the waitlist." in response.content.decode()
    assert WaitlistEntry.objects.get().weekdays == [2]
    bad = client.post(f"/portal/sessions/{second.pk}/waitlist/", {"weekdays": ["6"], "time_of_day": "night"})
    assert bad.status_code == 400
    assert WaitlistEntry.objects.get().weekdays == [2]
    client.post(f"/portal/sessions/{second.pk}/waitlist/leave/")
    assert WaitlistEntry.objects.get().status == WaitlistEntry.Status.LEFT


def test_a_later_session_cannot_wait(client, carol, carol_course):
    client.force_login(carol.portal_user)
    third = carol_course.sessions.get(number=3)
    assert client.get(f"/portal/sessions/{third.pk}/waitlist/").status_code == 404


@RACE
def test_accepting_while_the_desk_books_the_slot_gives_one_booking(concurrent_database):
    derek = UserFactory(username="derek", role="dermatologist")
    works_all_week(derek)
    charlie = UserFactory(username="charlie", role="front_desk")
    room = RoomFactory(name="Room 1")
    bob = PatientFactory(portal_user=UserFactory(username="bob", role="patient"))
    plan = TreatmentPlanFactory(patient=bob, created_by=derek, start_date=MONDAY, sessions_done=1)
    entry = waits(bob, plan, charlie)
    alice = PatientFactory()
    visit = booking.book_appointment(
        patient=alice, practitioner=derek, room=room, start=TUESDAY_10, minutes=30, booked_by=charlie
    )
    booking.cancel_appointment(appointment=visit, reason="ill", cancelled_by=charlie)  # offered on commit
    offer = WaitlistOffer.objects.get()
    assert offer.entry == entry

    outcomes = race(
        [
            lambda: waitlist.accept(WaitlistOffer.objects.get(pk=offer.pk)),
            lambda: waitlist.accept(WaitlistOffer.objects.get(pk=offer.pk)),
            lambda: booking.book_appointment(
                patient=Patient.objects.get(pk=alice.pk),
                practitioner=User.objects.get(pk=derek.pk),
                room=Room.objects.get(pk=room.pk),
                start=TUESDAY_10,
                minutes=30,
                booked_by=User.objects.get(pk=charlie.pk),
            ),
        ]
    )
    booked = [outcome for outcome in outcomes if isinstance(outcome, Appointment)]
    assert len(booked) == 1 and booked[0].patient_id == bob.pk, outcomes
    assert isinstance(outcomes[2], booking.SlotTaken)
    assert any(isinstance(outcome, waitlist.OfferClosed) for outcome in outcomes[:2])
    assert Appointment.objects.filter(start=TUESDAY_10, status=Appointment.Status.BOOKED).count() == 1
