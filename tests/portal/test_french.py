"""The portal in French for a patient who reads French: cancelling online, with the day as
French writes it. (English: test_portal_access.)"""

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic.models import User
from scheduling.models import Appointment, Room

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=PARIS)  # a Monday


@pytest.fixture
def french_alice(alice, time_machine):
    time_machine.move_to(NOW, tick=False)
    User.objects.filter(pk=alice.portal_user_id).update(language="fr")
    return alice


def appointment_of(patient, practitioner, start: datetime) -> Appointment:
    return Appointment.objects.create(
        patient=patient,
        practitioner=practitioner,
        room=Room.objects.get_or_create(name="Salle 1")[0],
        start=start,
        end=start + timedelta(minutes=30),
        booked_by=practitioner,
    )


def test_a_cancellation_online_is_confirmed_in_french(client, french_alice, derek):
    later = appointment_of(french_alice, derek, datetime(2026, 3, 5, 10, 0, tzinfo=PARIS))
    client.force_login(french_alice.portal_user)
    page = html.unescape(client.post(f"/portal/appointments/{later.pk}/cancel/", follow=True).content.decode())
    assert "Votre rendez-vous du jeudi 5 mars 2026 à 10:00 est annulé." in page
    later.refresh_from_db()
    assert later.status == Appointment.Status.CANCELLED
    assert later.cancellation_reason == "Annulé par le patient depuis l'espace patient"


def test_too_late_to_cancel_online_is_said_in_french(client, french_alice, derek):
    soon = appointment_of(french_alice, derek, NOW + timedelta(hours=5))
    client.force_login(french_alice.portal_user)
    page = html.unescape(client.post(f"/portal/appointments/{soon.pk}/cancel/", follow=True).content.decode())
    assert "Ce rendez-vous est trop proche pour être annulé en ligne: veuillez appeler la clinique." in page
    soon.refresh_from_db()
    assert soon.status == Appointment.Status.BOOKED
