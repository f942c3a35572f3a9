"""A patient in the browser: accepts the clinic's invitation, chooses a password, signs in,
sees the next appointment, downloads the aftercare sheet and the plan, adds the appointment
to a calendar, and cannot reach another patient's documents."""

import re
from datetime import timedelta
from io import BytesIO

from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect
from pypdf import PdfReader

from clinic.roles import Role
from patients.invitations import invitation_path
from patients.registry import invite_to_portal
from tests.factories import AppointmentFactory, PatientFactory, TreatmentPlanFactory, UserFactory, record_visit_of


def record_first_session(course, doctor) -> None:
    record_visit_of(
        course.sessions.get(number=1),
        by=doctor,
        lot_number="HA-2026-118",
        expiry=timezone.localdate() + timedelta(days=400),
    )


def pdf_text(response) -> str:
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(response.body())).pages)


def test_patient_accepts_the_invitation_and_takes_home_their_documents(page, live_server, screenshot):
    doctor = UserFactory(first_name="Inès", last_name="Morel", role=Role.DERMATOLOGIST)
    camille = PatientFactory(
        first_name="Camille", last_name="Durand", email="camille@example.org", address="12 rue des Lilas\n69003 Lyon"
    )
    course = TreatmentPlanFactory(patient=camille, created_by=doctor)
    record_first_session(course, doctor)
    next_visit = AppointmentFactory(patient=camille, practitioner=doctor, session=course.sessions.get(number=2))
    someone_else = TreatmentPlanFactory(
        patient=PatientFactory(first_name="Thomas", last_name="Roux"), created_by=doctor
    )
    record_first_session(someone_else, doctor)

    account = invite_to_portal(patient=camille, invited_by=doctor)
    link = "http://testserver" + invitation_path(account)

    page.goto(link.removeprefix("http://testserver"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome to")
    expect(page.locator("#main")).to_contain_text(f"Your sign-in name is {account.username}")
    page.get_by_label(re.compile(r"^\s*New password\W*$")).fill("rose-garden-harbour-7")
    page.get_by_label("New password confirmation").fill("rose-garden-harbour-7")
    screenshot("patient-1-welcome")
    page.get_by_role("button", name="Choose this password").click()
    expect(page).to_have_url(re.compile("/portal/$"))

    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password").fill("rose-garden-harbour-7")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile("/portal/$"))
    main = page.locator("#main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Hello Camille")
    visit = timezone.localtime(next_visit.start)
    expect(main).to_contain_text(f"{visit:%A} {visit.day} {visit:%B %Y}, {visit:%H:%M}")
    screenshot("patient-2-portal")

    aftercare = pdf_text(page.request.get(main.get_by_role("link", name="Aftercare (PDF)").get_attribute("href")))
    assert "Camille Durand" in aftercare
    assert "redness" in aftercare
    assert "swelling" in aftercare
    plan = pdf_text(page.request.get(main.get_by_role("link", name="Plan (PDF)").get_attribute("href")))
    assert "Camille Durand" in plan
    assert "redness" in plan
    assert "swelling" in plan

    calendar_file = page.request.get(main.get_by_role("link", name="Add to my calendar").get_attribute("href"))
    assert calendar_file.headers["content-type"].startswith("text/calendar")
    event = next(iter(Calendar.from_ical(calendar_file.body()).walk("VEVENT")))
    assert event.decoded("dtstart") == next_visit.start

    other_session = someone_else.sessions.get(number=1)
    for path in (f"/sessions/{other_session.pk}/aftercare.pdf", f"/plans/{someone_else.pk}/plan.pdf"):
        refused = page.goto(path)
        assert refused.status == 404
        expect(page.locator("body")).not_to_contain_text("Thomas")
        expect(page.locator("body")).not_to_contain_text("Roux")
