"""Joining the portal by invitation, and cancelling from it."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_weasyprint.utils import DjangoURLFetcher

from patients.models import Patient
from scheduling.models import Appointment, Room
from tests.factories import PatientFactory, TreatmentPlanFactory
from tests.treatments.test_aftercare import course, done
from treatments.models import TreatmentPlan


def invitation_link(client, staff, patient) -> str:
    client.force_login(staff)
    page = client.post(f"/patients/{patient.pk}/invite/", follow=True).content.decode()
    return re.search(r"http://testserver(/portal/welcome/[^/\s]+/[^/\s]+/)", page).group(1)


def test_an_invited_patient_chooses_a_password_once_and_lands_on_the_portal(client, charlie):
    patient = PatientFactory(first_name="Zoé", last_name="Lambert", email="zoe@example.org")
    path = invitation_link(client, charlie, patient)
    assert mail.outbox[0].to == ["zoe@example.org"] and path in mail.outbox[0].body
    client.logout()

    form_page = client.get(path, follow=True)
    assert "Choose a password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": "a long patient pass 42", "new_password2": "a long patient pass 42"}
    )
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    account = Patient.objects.get(pk=patient.pk).portal_user
    assert account.groups.filter(name="patient").exists()

    client.logout()
    reused = client.get(path, follow=True).content.decode()
    assert "This invitation no longer works" in reused


def test_an_invitation_expires(client, charlie, time_machine):
    patient = PatientFactory()
    path = invitation_link(client, charlie, patient)
    client.logout()
    time_machine.move_to(timezone.now() + timedelta(days=4))
    assert "This invitation no longer works" in client.get(path, follow=True).content.decode()


def test_patients_cannot_invite_themselves(client, alice):
    client.force_login(alice.portal_user)
    assert client.post(f"/patients/{alice.pk}/invite/").status_code == 403


@pytest.fixture
def appointment_in(alice, derek):
    def make(hours):
        start = timezone.now() + timedelta(hours=hours)
        return Appointment.objects.create(
            patient=alice,
            practitioner=derek,
            room=Room.objects.get_or_create(name="Room 1")[0],
            start=start,
            end=start + timedelta(minutes=30),
            booked_by=derek,
        )

    return make


def test_a_patient_cancels_online_more_than_a_day_ahead(client, alice, appointment_in):
    later = appointment_in(72)
    client.force_login(alice.portal_user)
    assert f"/portal/appointments/{later.pk}/cancel/" in client.get("/portal/").content.decode()
    client.post(f"/portal/appointments/{later.pk}/cancel/")
    later.refresh_from_db()
    assert later.status == Appointment.Status.CANCELLED


def test_a_patient_cannot_cancel_online_within_a_day_or_someone_elses(client, alice, bob, appointment_in):
    soon = appointment_in(5)
    client.force_login(alice.portal_user)
    assert f"/portal/appointments/{soon.pk}/cancel/" not in client.get("/portal/").content.decode()
    page = client.post(f"/portal/appointments/{soon.pk}/cancel/", follow=True).content.decode()
    assert "too close to cancel online" in page
    soon.refresh_from_db()
    assert soon.status == Appointment.Status.BOOKED

    client.force_login(bob.portal_user)
    assert client.post(f"/portal/appointments/{soon.pk}/cancel/").status_code == 404


def test_sheets_load_nothing_but_local_static_files(client, derek, alice, monkeypatch):
    asked = []
    original = DjangoURLFetcher.fetch

    def recording(self, url, *args, **kwargs):
        asked.append(url)
        return original(self, url, *args, **kwargs)

    monkeypatch.setattr(DjangoURLFetcher, "fetch", recording)
    session = done(course(alice, derek).sessions.get(number=1), derek)
    client.force_login(derek)
    assert client.get(f"/sessions/{session.pk}/aftercare.pdf").status_code == 200
    assert asked, "the stylesheet is fetched through Django's static files"
    assert all(url.startswith("file:///static/") or "/static/" in url for url in asked), asked
    assert not any(url.startswith(("http://", "https://")) and "/static/" not in url for url in asked)


def test_a_patient_gets_no_sheet_of_a_course_still_in_draft(client, derek, alice):
    draft = TreatmentPlanFactory(patient=alice, created_by=derek, status=TreatmentPlan.Status.DRAFT)
    session = draft.sessions.get(number=1)
    client.force_login(alice.portal_user)

    assert client.get(f"/plans/{draft.pk}/plan.pdf").status_code == 404
    assert client.get(f"/sessions/{session.pk}/aftercare.pdf").status_code == 404
    client.force_login(derek)
    assert client.get(f"/sessions/{session.pk}/aftercare.pdf").status_code == 200
