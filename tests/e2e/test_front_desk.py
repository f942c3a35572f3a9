"""The front desk's day in the browser: find a patient, find and book a free slot, move it,
cancel another appointment with its reason, print the day's aftercare sheets."""

import re
from datetime import datetime, time, timedelta
from io import BytesIO

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from clinic.roles import Role
from scheduling.models import Appointment
from tests.e2e.conftest import PASSWORD, arrive, sign_in
from tests.factories import (
    AppointmentFactory,
    PatientFactory,
    RoomFactory,
    TreatmentPlanFactory,
    UserFactory,
    WorkingHoursFactory,
)


def at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def test_front_desk_finds_books_moves_cancels_and_prints(page, screenshot):
    desk = UserFactory(username="desk.e2e", first_name="Julie", last_name="Perrin", role=Role.FRONT_DESK)
    desk.set_password(PASSWORD)
    desk.save()
    doctor = UserFactory(username="dr.morel", first_name="Inès", last_name="Morel", role=Role.DERMATOLOGIST)
    for weekday in range(7):
        WorkingHoursFactory(practitioner=doctor, weekday=weekday, start=time(8), end=time(20))
    room = RoomFactory(name="Room 1")
    RoomFactory(name="Room 2")
    camille = PatientFactory(first_name="Camille", last_name="Durand", date_of_birth="1988-03-14")
    PatientFactory(first_name="Camille", last_name="Lefèvre")
    today = timezone.localdate()
    visit_day = today + timedelta(days=2)
    while visit_day.weekday() in settings.CLINIC_CLOSED_WEEKDAYS:
        visit_day += timedelta(days=1)
    thomas = AppointmentFactory(
        patient=PatientFactory(first_name="Thomas", last_name="Roux"),
        practitioner=doctor,
        room=room,
        start=at(visit_day, 8),
        end=at(visit_day, 8, 30),
    )
    course = TreatmentPlanFactory(patient=PatientFactory(first_name="Léa", last_name="Martin"), created_by=doctor)
    AppointmentFactory(
        patient=course.patient,
        practitioner=doctor,
        room=room,
        session=course.sessions.get(number=1),
        start=at(today, 9),
        end=at(today, 9, 45),
    )

    sign_in(page, "desk.e2e")
    expect(page).to_have_url(re.compile("/today/$"))
    main = page.locator("#main")
    expect(main).to_contain_text("MARTIN, Léa")
    screenshot("front-desk-1-today")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    arrive(page, "/patients/$")
    page.get_by_label("Search by name, phone, email or date of birth").press_sequentially("duran")
    results = main.locator("#patient-results")
    expect(results).to_contain_text("DURAND, Camille")
    expect(results).not_to_contain_text("LEFÈVRE")
    screenshot("front-desk-2-search")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedule").click()
    expect(main.get_by_role("heading", level=1)).to_have_text(f"{today:%A} {today.day} {today:%B %Y}")
    main.get_by_role("link", name="Book", exact=True).click()
    arrive(page, "/appointments/new/$")
    page.get_by_label("Patient").press_sequentially("durand")
    main.get_by_role("button", name=re.compile("DURAND, Camille")).click()
    expect(main.locator("#patient-chosen")).to_contain_text("DURAND, Camille (born 14/03/1988)")
    finder = main.locator("#slot-finder")
    finder.get_by_label("Day").fill(visit_day.isoformat())
    finder.get_by_label("Length").select_option(label="45 min")
    finder.get_by_label("Practitioner").select_option(label="Inès Morel")
    finder.get_by_role("button", name="Show free slots").click()
    first_free = main.locator(".slot-choice").first
    expect(first_free).to_have_text("08:30")  # 08:00 is Thomas's
    first_free.click()
    screenshot("front-desk-3-slot-finder")
    main.get_by_role("button", name="Book", exact=True).click()
    expect(page).to_have_url(re.compile(r"/appointments/[0-9a-f-]{36}/$"))

    booked = Appointment.objects.get(patient=camille)
    assert page.url.endswith(f"/appointments/{booked.pk}/")
    assert (timezone.localtime(booked.start), timezone.localtime(booked.end)) == (
        at(visit_day, 8, 30),
        at(visit_day, 9, 15),
    )

    main.get_by_role("link", name="Move").click()
    page.get_by_label("New start").fill(f"{visit_day.isoformat()}T14:00")
    main.get_by_role("button", name="Move", exact=True).click()
    expect(main).to_contain_text("14:00")
    booked.refresh_from_db()
    assert timezone.localtime(booked.start) == at(visit_day, 14)
    screenshot("front-desk-4-moved")

    main.get_by_role("link", name=f"{visit_day:%A %d/%m/%Y}").click()
    main.get_by_role("link", name=re.compile("ROUX, Thomas")).click()
    page.get_by_label("Why is it cancelled?").fill("Patient has the flu")
    main.get_by_role("button", name="Cancel the appointment").click()
    expect(main).to_contain_text("Patient has the flu")
    thomas.refresh_from_db()
    assert thomas.status == Appointment.Status.CANCELLED

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    print_link = main.get_by_role("link", name="Print today's sheets")
    sheets = page.request.get(print_link.get_attribute("href"))
    assert sheets.ok
    assert sheets.headers["content-type"] == "application/pdf"
    assert sheets.body().startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(sheets.body())).pages)
    assert "Léa Martin" in text
    assert "Camille Durand" not in text  # her appointment is not today
