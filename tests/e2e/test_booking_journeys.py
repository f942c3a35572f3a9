"""Booking journeys: a patient books their next course session in the portal by keyboard
alone, in French; the desk moves an appointment with the slot finder."""

import re
from datetime import datetime, time, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from clinic.roles import Role
from patients.registry import invite_to_portal
from scheduling import booking
from scheduling.models import Appointment
from tests.e2e.conftest import PASSWORD, arrive, keep_documents, sign_in
from tests.e2e.test_keyboard import sign_in_by_keyboard, tab_to
from tests.factories import PatientFactory, RoomFactory, TreatmentPlanFactory, UserFactory, WorkingHoursFactory
from treatments.models import TreatmentSession


def clinic_open_every_day():
    doctor = UserFactory(username="dr.journey", first_name="Claire", last_name="Moreau", role=Role.DERMATOLOGIST)
    for weekday in range(7):
        WorkingHoursFactory(practitioner=doctor, weekday=weekday, start=time(8), end=time(20))
    return doctor, RoomFactory(name="Salle 1")


def test_a_patient_books_their_next_session_by_keyboard_alone_in_french(
    browser, live_server, served_documents, screenshot
):
    doctor, _room = clinic_open_every_day()
    patient = PatientFactory(first_name="Camille", last_name="Durand", preferred_language="fr")
    account = invite_to_portal(patient=patient, invited_by=doctor)
    account.set_password(PASSWORD)
    account.save()
    course = TreatmentPlanFactory(patient=patient, created_by=doctor, sessions_done=1)
    second = course.sessions.get(number=2)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="fr-FR")
    context.set_default_timeout(10_000)
    keep_documents(context, served_documents, "fr")
    page = context.new_page()

    sign_in_by_keyboard(page, account.username)
    arrive(page, "/portal/$")
    expect(page.get_by_text("Séance 2 : à réserver")).to_be_visible()
    tab_to(page, f"a[href='/portal/sessions/{second.pk}/book/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Réserver la séance 2 de votre cure")).to_be_visible()
    tab_to(page, "a[href^='?day=']:not([aria-current])")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "input[name=slot]")
    page.keyboard.press("Space")
    expect(page.locator("input[name=slot]").first).to_be_checked()
    chosen = page.locator("input[name=slot]:checked").get_attribute("value")
    screenshot("patient-3-book-a-session", on=page)
    tab_to(page, "main form[method=post] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Confirmer mon rendez-vous")).to_be_visible()
    expect(page.get_by_text("Nous vous gardons ce créneau jusqu’à")).to_be_visible()
    screenshot("patient-4-confirm-the-time", on=page)
    tab_to(page, "form[action$='/confirm/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    arrive(page, "/portal/$")
    expect(page.get_by_text(re.compile("Votre rendez-vous est réservé le"))).to_be_visible()
    visit = Appointment.objects.get(session=second)
    assert visit.status == Appointment.Status.BOOKED
    assert chosen.startswith(f"{timezone.localtime(visit.start):%Y-%m-%dT%H:%M}|")
    second.refresh_from_db()
    assert second.status == TreatmentSession.Status.BOOKED
    context.close()


def test_the_desk_moves_an_appointment_with_the_slot_finder(page, screenshot):
    doctor, room = clinic_open_every_day()
    desk = UserFactory(username="desk.journey", role=Role.FRONT_DESK)
    desk.set_password(PASSWORD)
    desk.save()
    patient = PatientFactory(first_name="Léa", last_name="Simon")
    course = TreatmentPlanFactory(patient=patient, created_by=doctor, sessions_done=1)
    second = course.sessions.get(number=2)
    day = second.booking_window()[0] + timedelta(days=3)
    visit = booking.book_appointment(
        patient=patient,
        practitioner=doctor,
        room=room,
        start=timezone.make_aware(datetime.combine(day, time(10))),
        minutes=30,
        booked_by=desk,
        session=second,
    )
    sign_in(page, "desk.journey")
    page.goto(f"/appointments/{visit.pk}/")
    page.get_by_role("link", name="Move", exact=True).click()
    arrive(page, "/reschedule/")
    expect(page.get_by_text("Session 2 of the course falls between")).to_be_visible()
    next_day = day + timedelta(days=1)
    page.get_by_label("Day").fill(f"{next_day:%Y-%m-%d}")
    page.get_by_role("button", name="Show free slots").click()
    arrive(page, "find-date=")
    slot = page.get_by_role("button", name=re.compile(r"^Move to 14:00"))
    expect(slot).to_be_visible()
    screenshot("front-desk-5-move-with-the-slot-finder")
    with page.expect_navigation():
        slot.click()
    expect(page.get_by_text(re.compile("Moved to"))).to_be_visible()
    visit.refresh_from_db()
    moved = timezone.localtime(visit.start)
    assert (moved.date(), f"{moved:%H:%M}") == (next_day, "14:00")
