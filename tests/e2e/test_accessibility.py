"""The main forms work from the keyboard, every field has a label, and axe-core (from the npm
registry, see package.json) finds no serious or critical violation on the main pages."""

import re
from datetime import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from clinic.roles import Role
from patients.invitations import invitation_path
from patients.registry import invite_to_portal
from tests.e2e.conftest import PASSWORD, sign_in
from tests.factories import (
    AppointmentFactory,
    FormulationFactory,
    PatientConditionFactory,
    PatientFactory,
    RoomFactory,
    TreatmentPlanFactory,
    UserFactory,
    WorkingHoursFactory,
    record_visit_of,
)
from treatments.models import Allergen, Protocol, TreatmentPlan, UnverifiedAllergy

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

UNLABELLED_FIELDS = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter((field) => field.type !== "hidden" && field.offsetParent !== null)
  .filter((field) => !field.labels.length)
  .filter((field) => !field.getAttribute("aria-label") && !field.getAttribute("aria-labelledby"))
  .map((field) => field.name || field.id)"""


@pytest.fixture
def checked_page(browser, live_server) -> Page:
    """A page that lets axe-core be injected past the Content-Security-Policy."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make e2e` installs it from package.json (npm ci).")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=AXE)
    result = page.evaluate("() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(
            f"{node['target']} {node['any'][0]['message'] if node['any'] else ''}" for node in violation["nodes"]
        )
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def assert_accessible(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response.status == 200, path
    assert page.evaluate(UNLABELLED_FIELDS) == [], f"fields without a label on {path}"
    violations = serious_violations(page)
    assert not violations, f"axe-core on {path}:\n" + "\n".join(violations)


@pytest.fixture
def clinic():
    doctor = UserFactory(username="dr.a11y", role=Role.DERMATOLOGIST)
    doctor.set_password(PASSWORD)
    doctor.save()
    for weekday in range(7):
        WorkingHoursFactory(practitioner=doctor, weekday=weekday, start=time(8), end=time(20))
    RoomFactory(name="Room 1")
    patient = PatientFactory(first_name="Camille", last_name="Durand")
    FormulationFactory(name="Glow", ingredients=["Zinc"])
    course = TreatmentPlanFactory(patient=patient, created_by=doctor)
    appointment = AppointmentFactory(patient=patient, practitioner=doctor, session=course.sessions.get(number=1))
    # Allergies show on the chart, the course and the session, and one waits to be
    # resolved (typed once the course was planned).
    patient.allergens.add(Allergen.objects.get(name="Latex"))
    UnverifiedAllergy.objects.create(patient=patient, text="penicillin", key="penicillin")
    recorded = record_visit_of(TreatmentPlanFactory(created_by=doctor).sessions.get(number=1), by=doctor)
    # A draft blocked since it was planned: its start page asks for the course's override.
    draft = TreatmentPlanFactory(created_by=doctor, status=TreatmentPlan.Status.DRAFT)
    PatientConditionFactory(patient=draft.patient)
    return {
        "doctor": doctor,
        "patient": patient,
        "course": course,
        "appointment": appointment,
        "recorded": recorded,
        "draft": draft,
    }


def test_staff_pages_have_labelled_fields_and_no_serious_axe_violations(checked_page, clinic):
    patient, course = clinic["patient"], clinic["course"]
    protocol = Protocol.objects.get(name="Skin rejuvenation")
    assert_accessible(checked_page, "/accounts/login/")
    sign_in(checked_page, "dr.a11y")
    for path in [
        "/today/",
        "/patients/",
        "/patients/new/",
        f"/patients/{patient.pk}/",
        "/formulations/new/",
        f"/formulations/new/?patient={patient.pk}",
        f"/plans/new/?patient={patient.pk}&protocol={protocol.pk}",
        f"/plans/{course.pk}/",
        f"/plans/{course.pk}/book/",
        f"/sessions/{course.sessions.get(number=1).pk}/",
        UnverifiedAllergy.objects.get(patient=patient).get_absolute_url(),
        f"/sessions/{clinic['recorded'].pk}/",  # with its correction form
        f"/plans/{clinic['draft'].pk}/activate/",
        "/lots/",
        "/schedule/",
        "/appointments/new/",
        f"/appointments/{clinic['appointment'].pk}/",
        f"/appointments/{clinic['appointment'].pk}/reschedule/",
    ]:
        assert_accessible(checked_page, path)

    # The correction form, opened: the version, the areas and their volumes.
    checked_page.goto(f"/sessions/{clinic['recorded'].pk}/")
    checked_page.get_by_text("Correct this record").click()
    expect(checked_page.get_by_label("mL injected in Face")).to_be_visible()
    assert checked_page.evaluate(UNLABELLED_FIELDS) == []
    assert not serious_violations(checked_page)


def test_patient_pages_have_labelled_fields_and_no_serious_axe_violations(checked_page, clinic):
    account = invite_to_portal(patient=clinic["patient"], invited_by=clinic["doctor"])
    welcome = "http://testserver" + invitation_path(account)
    assert_accessible(checked_page, welcome.removeprefix("http://testserver"))
    checked_page.get_by_label(re.compile(r"^\s*New password\W*$")).fill("rose-garden-harbour-7")
    checked_page.get_by_label("New password confirmation").fill("rose-garden-harbour-7")
    checked_page.get_by_role("button", name="Choose this password").click()
    expect(checked_page).to_have_url(re.compile("/portal/$"))
    assert_accessible(checked_page, "/portal/")


def test_signing_in_and_booking_work_from_the_keyboard(page, clinic):
    page.goto("/accounts/login/")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("dr.a11y")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    page.goto("/appointments/new/")
    search = page.get_by_label("Patient")
    search.focus()
    page.keyboard.type("durand")
    choice = page.locator(".patient-choice").first
    expect(choice).to_be_visible()
    page.keyboard.press("Tab")
    expect(choice).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#patient-chosen")).to_contain_text("DURAND, Camille")
