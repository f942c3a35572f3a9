"""Sending the outbox: a server that refuses or hangs gets the message again later and the
booking that caused it stays booked; after the last attempt the message is failed; a message
whose consumer died is taken again; a cancelled one never goes."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from messaging import outbox, sending
from messaging.models import OutboxMessage
from scheduling.models import Appointment
from tests.factories import AppointmentFactory, PatientFactory, UserFactory
from tests.messaging.conftest import appointment_context

pytestmark = pytest.mark.django_db


def book_and_confirm(patient) -> tuple[Appointment, OutboxMessage]:
    """What a booking does: the appointment and its confirmation in one transaction."""
    with transaction.atomic():
        appointment = AppointmentFactory(patient=patient)
        [message] = outbox.notify_patient(
            patient=patient,
            kind="appointment_booked",
            context=appointment_context(start=appointment.start),
            about=f"appointment:{appointment.pk}",
        )
    return appointment, message


def test_a_refusing_server_gets_the_message_again_later_and_the_booking_stays(
    smtp_server, alice, send_on_commit, time_machine, settings
):
    settings.MESSAGING_MAX_ATTEMPTS = 3
    smtp_server.mode = "refuse"
    with send_on_commit():
        appointment, message = book_and_confirm(alice)

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED
    assert message.attempts == 1
    assert "554" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.BOOKED

    assert sending.drain() == 0  # not due yet: nothing is tried before its time
    for _ in range(2):
        time_machine.move_to(message.next_attempt_at + timedelta(seconds=1))
        sending.drain()
        message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 3
    assert smtp_server.messages == []
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.BOOKED

    # Nothing sends a failed message again until the manager retries it.
    time_machine.move_to(timezone.now() + timedelta(days=1))
    smtp_server.mode = "accept"
    assert sending.drain() == 0


def test_a_server_that_hangs_times_out_and_the_message_goes_when_it_answers(
    smtp_server, alice, send_on_commit, time_machine, settings
):
    settings.EMAIL_TIMEOUT = 1
    smtp_server.mode = "hang"
    started = timezone.now()
    with send_on_commit():
        appointment, message = book_and_confirm(alice)

    assert timezone.now() - started < timedelta(seconds=10)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED
    assert "timed out" in message.last_error.lower()
    assert Appointment.objects.filter(pk=appointment.pk, status=Appointment.Status.BOOKED).exists()

    smtp_server.mode = "accept"
    time_machine.move_to(message.next_attempt_at + timedelta(seconds=1))
    assert sending.drain() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxMessage.Status.SENT, 2, "")
    assert len(smtp_server.messages) == 1


def test_a_message_whose_consumer_died_is_taken_again_after_its_claim(smtp_server, alice, time_machine):
    with transaction.atomic():
        [message] = outbox.notify_patient(patient=alice, kind="appointment_booked", context=appointment_context())
    # A consumer claimed it and died before sending.
    assert sending.claim(message.pk, now=timezone.now())
    assert sending.drain() == 0

    time_machine.move_to(timezone.now() + sending.CLAIM + timedelta(seconds=1))
    assert sending.drain() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.SENT, 2)


def test_a_reminder_waits_for_its_time_and_a_cancelled_one_never_goes(smtp_server, alice, time_machine):
    soon = timezone.now() + timedelta(hours=1)
    with transaction.atomic():
        [kept] = outbox.notify_patient(
            patient=alice, kind="reminder", context=appointment_context(), about="appointment:1", send_after=soon
        )
        [dropped] = outbox.notify_patient(
            patient=alice,
            kind="reminder_evening",
            context=appointment_context(),
            about="appointment:2",
            send_after=soon,
        )
    assert sending.drain() == 0

    assert outbox.cancel_queued(about="appointment:2", kinds=["reminder", "reminder_evening"]) == 1
    assert outbox.cancel_queued(about="appointment:2", kinds=["reminder"]) == 0
    time_machine.move_to(soon + timedelta(seconds=1))
    assert sending.drain() == 1
    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert (kept.status, dropped.status) == (OutboxMessage.Status.SENT, OutboxMessage.Status.CANCELLED)
    [message] = smtp_server.messages
    assert message["Subject"].startswith("Reminder: your appointment on")


def test_nothing_is_queued_for_a_patient_without_an_address_nor_under_silenced(alice):
    nobody = PatientFactory(email="", phone="")
    assert outbox.notify_patient(patient=nobody, kind="appointment_booked", context=appointment_context()) == []
    with outbox.silenced():
        assert outbox.notify_patient(patient=alice, kind="appointment_booked", context=appointment_context()) == []
        assert outbox.notify_staff(user=UserFactory(), kind="staff_patient_cancelled", context={}) == []
    assert not OutboxMessage.objects.exists()


def test_staff_are_told_in_their_own_language(smtp_server, send_on_commit):
    colette = UserFactory(first_name="Colette", email="colette@clinic.example", language="fr")
    start = timezone.now() + timedelta(days=2)
    context = {
        "staff_first_name": "Colette",
        "patient_name": "Alice Archer",
        "start": start,
        "practitioner": "Dr Derek Dubois",
        "link": "http://127.0.0.1:8000/appointments/x/",
    }
    with send_on_commit():
        [queued] = outbox.notify_staff(user=colette, kind="staff_patient_cancelled", context=context, about="a:1")
        assert outbox.notify_staff(user=UserFactory(email=""), kind="staff_patient_cancelled", context=context) == []

    assert (queued.language, queued.recipient_user, queued.patient) == ("fr", colette, None)
    [message] = smtp_server.messages
    assert message["To"] == "colette@clinic.example"
    # The header folds before its encoded words; the space is not part of the subject.
    assert message["Subject"].strip().startswith("Alice Archer a annulé le rendez-vous du")
    assert "List-Unsubscribe" not in message
    text = message.get_payload()[0].get_content()
    assert "Bonjour Colette" in text and "http://127.0.0.1:8000/appointments/x/" in text
