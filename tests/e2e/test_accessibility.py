"""WCAG 2.2 AA on every role's main pages, error states included, at a desktop's and a phone's
width, in English and in French: every field has a label and axe-core (from the npm registry, see
package.json) finds no violation of any impact."""

from collections.abc import Callable, Iterator
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from clinic.roles import Role
from consents import intake
from messaging import channels
from patients.invitations import invitation_path
from patients.registry import invite_to_portal
from tests.consents.surfaces import course_needing_consent, only_form
from tests.e2e.conftest import PASSWORD, keep_documents, sign_in
from tests.factories import (
    AppointmentFactory,
    FormulationFactory,
    PatientConditionFactory,
    PatientFactory,
    RoomFactory,
    TreatmentPlanFactory,
    UserFactory,
    WorkingHoursFactory,
    next_tuesday_at_ten,
    record_visit_of,
)
from treatments import adverse_events
from treatments.models import Allergen, Protocol, TreatmentPlan, UnverifiedAllergy

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The browser's language (its Accept-Language) decides the page's for anyone who chose none.
LOCALES = {"en": "en-GB", "fr": "fr-FR"}
WIDTHS = [1280, 390]

UNLABELLED_FIELDS = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter((field) => field.type !== "hidden" && field.offsetParent !== null)
  .filter((field) => !field.labels.length)
  .filter((field) => !field.getAttribute("aria-label") && !field.getAttribute("aria-labelledby"))
  .map((field) => field.name || field.id)"""

# Sends a form as it stands after emptying its fields, bypassing the browser's own checks, so
# that the server's error state is what axe reads.
SEND_EMPTIED = """(form) => {
  form.querySelectorAll("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea")
    .forEach((field) => { field.value = ""; });
  form.noValidate = true;
  form.requestSubmit();
}"""


def violations(page: Page) -> list[str]:
    page.add_script_tag(path=AXE)
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(
            f"{node['target']} {(node['any'] or node['all'] or node['none'] or [{'message': ''}])[0]['message']}"
            for node in violation["nodes"]
        )
        for violation in result["violations"]
    ]


def check(page: Page, where: str) -> list[str]:
    """What is wrong with the page the browser shows: unlabelled fields and axe's violations."""
    page.wait_for_load_state()
    # Colours read halfway through a button's transition are neither its old nor its new ones.
    page.wait_for_function("() => document.getAnimations().every((animation) => animation.playState !== 'running')")
    problems = [f"unlabelled field {name}" for name in page.evaluate(UNLABELLED_FIELDS)]
    return [f"{where}: {problem}" for problem in problems + violations(page)]


class Views:
    """One browser context per language and width, all signed in as one person with one sign-in."""

    def __init__(self, browser: Browser, base_url: str, documents: dict[str, str]) -> None:
        self.browser, self.base_url, self.documents = browser, base_url, documents
        self.contexts = []

    def open(self, username: str | None = None) -> list[tuple[str, Page]]:
        state = None
        if username:
            first = self.new_page("en", WIDTHS[0])
            sign_in(first, username)
            state = first.context.storage_state()
        return [
            (f"{language}, {width} px", self.new_page(language, width, state))
            for language in LOCALES
            for width in WIDTHS
        ]

    def new_page(self, language: str, width: int, state=None) -> Page:
        if not AXE.exists():
            pytest.fail(f"{AXE} is missing: `make e2e` installs it from package.json (npm ci).")
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": width, "height": 900},
            locale=LOCALES[language],
            bypass_csp=True,  # lets axe-core be injected past the Content-Security-Policy
            storage_state=state,
        )
        context.set_default_timeout(10_000)
        keep_documents(context, self.documents, language)
        self.contexts.append(context)
        return context.new_page()

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def views(browser, live_server, served_documents) -> Iterator[Views]:
    opened = Views(browser, live_server.url, served_documents)
    yield opened
    opened.close()


def problems_on(pages: list[tuple[str, Page]], visits: list[tuple[str, Callable[[Page], None] | None]]) -> list[str]:
    """Each visit is a path, and what to do there before checking (None: check as it loads)."""
    found = []
    for where, page in pages:
        for path, then in visits:
            page.goto(path)
            if then:
                then(page)
            found += check(page, f"{path} ({where}{', after acting' if then else ''})")
    return found


def send_emptied(form: str) -> Callable[[Page], None]:
    def act(page: Page) -> None:
        with page.expect_navigation():
            page.locator(form).evaluate(SEND_EMPTIED)

    return act


@pytest.fixture
def clinic():
    doctor = UserFactory(username="dr.a11y", role=Role.DERMATOLOGIST)
    desk = UserFactory(username="desk.a11y", role=Role.FRONT_DESK)
    for user in (doctor, desk):
        user.set_password(PASSWORD)
        user.save()
    for weekday in range(7):
        WorkingHoursFactory(practitioner=doctor, weekday=weekday, start=time(8), end=time(20))
    RoomFactory(name="Room 1")
    patient = PatientFactory(first_name="Camille", last_name="Durand", phone="01 23 45 67 89")
    FormulationFactory(name="Glow", ingredients=["Zinc"])
    course = TreatmentPlanFactory(patient=patient, created_by=doctor)
    appointment = AppointmentFactory(patient=patient, practitioner=doctor, session=course.sessions.get(number=1))
    # Far enough ahead for the patient to cancel it online.
    AppointmentFactory(patient=patient, practitioner=doctor, start=next_tuesday_at_ten() + timedelta(days=7))
    # Allergies show on the chart, the course and the session, and one waits to be
    # resolved (typed once the course was planned).
    patient.allergens.add(Allergen.objects.get(name="Latex"))
    UnverifiedAllergy.objects.create(patient=patient, text="penicillin", key="penicillin")
    recorded = record_visit_of(TreatmentPlanFactory(created_by=doctor).sessions.get(number=1), by=doctor)
    adverse_events.record_adverse_event(
        session=recorded, onset_date=timezone.localdate(), type="bruising", severity="mild", recorded_by=doctor
    )
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


def test_the_dermatologists_pages_meet_wcag_22_aa(views, clinic):
    patient, course, recorded = clinic["patient"], clinic["course"], clinic["recorded"]
    protocol = Protocol.objects.get(name="Skin rejuvenation")
    to_record = course.sessions.get(number=1)
    visits = [
        ("/today/", None),
        ("/patients/", None),
        ("/patients/?q=durand", None),
        (f"/patients/{patient.pk}/", None),
        (f"/patients/{patient.pk}/edit/", None),
        (f"/patients/{patient.pk}/history/", None),
        ("/patients/new/", send_emptied("main form[method=post]")),
        ("/formulations/", None),
        ("/formulations/new/", send_emptied("#composition-form")),
        (f"/formulations/new/?patient={patient.pk}", None),
        (f"/formulations/{recorded.plan.formulation.pk}/", None),
        (f"/plans/new/?patient={patient.pk}&protocol={protocol.pk}", None),
        (f"/plans/{course.pk}/", None),
        (f"/plans/{course.pk}/book/", None),
        (f"/plans/{clinic['draft'].pk}/activate/", None),
        (f"/sessions/{to_record.pk}/", None),
        (f"/sessions/{to_record.pk}/", send_emptied("main form[method=post]:not([action])")),
        (f"/sessions/{recorded.pk}/", lambda page: page.locator("details summary").first.click()),
        (f"/sessions/{recorded.pk}/adverse-events/new/", send_emptied("main form[method=post]")),
        (UnverifiedAllergy.objects.get(patient=patient).get_absolute_url(), None),
        ("/lots/", None),
        ("/lots/?lot=LOT-1", None),
        ("/adverse-events/", None),
        ("/calendar/", None),
        ("/schedule/", None),
        (f"/appointments/{clinic['appointment'].pk}/", None),
        (f"/appointments/{clinic['appointment'].pk}/reschedule/", None),
        (f"/sessions/{recorded.pk}/aftercare/", None),
        (f"/plans/{course.pk}/print/", None),
    ]

    problems = problems_on(views.open("dr.a11y"), visits)

    assert not problems, "\n".join(problems)


def test_the_front_desks_pages_meet_wcag_22_aa(views, clinic):
    visits = [
        ("/today/", None),
        (f"/patients/{clinic['patient'].pk}/", None),
        ("/schedule/", None),
        ("/appointments/new/", None),
        ("/appointments/new/", send_emptied("#booking-form")),
        ("/appointments/new/", choose_a_slot),
        ("/formulations/", None),  # not theirs: the 403 page
    ]

    problems = problems_on(views.open("desk.a11y"), visits)

    assert not problems, "\n".join(problems)


def choose_a_slot(page: Page) -> None:
    page.locator("#patient-search").fill("durand")
    page.locator(".patient-choice").first.click()
    page.locator("#slot-date").fill(f"{next_tuesday_at_ten():%Y-%m-%d}")
    page.locator("#slot-date").dispatch_event("change")
    page.locator(".slot-choice").first.click()


def test_the_patients_and_the_sign_in_pages_meet_wcag_22_aa(views, clinic):
    account = invite_to_portal(patient=clinic["patient"], invited_by=clinic["doctor"])
    account.set_password(PASSWORD)
    account.save()
    anonymous = [
        (invitation_path(account), None),
        ("/accounts/login/", None),
        ("/accounts/login/", send_wrong_password),
        ("/no-such-page/", None),
    ]
    problems = problems_on(views.open(), anonymous)
    problems += problems_on(views.open(account.username), [("/portal/", None)])

    assert not problems, "\n".join(problems)


def send_wrong_password(page: Page) -> None:
    page.locator("input[name=username]").fill("dr.a11y")
    page.locator("input[name=password]").fill("not-the-password")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    expect(page.locator("main .alert, main .invalid-feedback, main .errorlist").first).to_be_visible()


OPEN_THE_TABLET = """(patient) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = "/kiosk/open/";
  const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
  for (const [name, value] of [["csrfmiddlewaretoken", token], ["patient", patient]]) {
    const field = document.createElement("input");
    field.type = "hidden";
    field.name = name;
    field.value = value;
    form.append(field);
  }
  document.body.append(form);
  form.submit();
}"""


def test_the_signing_pages_meet_wcag_22_aa(views):
    version = only_form().current_version()
    account = UserFactory(username="elise.a11y", role=Role.PATIENT)
    account.set_password(PASSWORD)
    account.save()
    patient = PatientFactory(first_name="Élise", last_name="Dupré", portal_user=account)
    course_needing_consent(patient)
    desk = UserFactory(username="tablet.a11y", role=Role.FRONT_DESK)
    desk.set_password(PASSWORD)
    desk.save()
    typed_form = "form:has(input[name=method][value=typed])"
    portal = [
        ("/portal/consents/", None),
        (f"/portal/consents/{version.pk}/", None),
        (f"/portal/consents/{version.pk}/", send_emptied(typed_form)),
        ("/portal/questionnaire/", None),
        ("/portal/questionnaire/", send_emptied("main form.questionnaire")),
    ]
    problems = problems_on(views.open(account.username), portal)

    tablets = views.open(desk.username)
    first = tablets[0][1]
    first.goto("/today/")
    with first.expect_navigation():
        first.evaluate(OPEN_THE_TABLET, str(patient.pk))
    kiosk = [("/kiosk/", None), ("/kiosk/", send_emptied(typed_form)), ("/kiosk/unlock/", None)]
    problems += problems_on(tablets, kiosk)

    assert not problems, "\n".join(problems)


def test_the_questionnaire_review_and_the_reminders_opt_out_meet_wcag_22_aa(views):
    doctor = UserFactory(username="dr.review", role=Role.DERMATOLOGIST)
    doctor.set_password(PASSWORD)
    doctor.save()
    patient = PatientFactory(first_name="Élise", last_name="Dupré")
    answers = {question.key: "no" for question in intake.QUESTIONS if question.yes_no}
    intake.answer(
        patient=patient,
        kind="full",
        answers=answers | {"herpes": "yes", "allergies": "yes", "allergies_detail": "Zinc"},
        channel="kiosk",
        recorded_by=doctor,
        language="en",
    )
    problems = problems_on(views.open(doctor.username), [(f"/patients/{patient.pk}/questionnaire/", None)])
    opt_out = channels.opt_out_url(patient).removeprefix(settings.CLINIC_SITE_URL)
    problems += problems_on(views.open(), [(opt_out, None)])

    assert not problems, "\n".join(problems)


def test_the_booking_and_waitlist_pages_meet_wcag_22_aa(views, clinic):
    """The portal's booking pages (a day's times, a refused time, the hold to confirm, the
    waitlist), the offer's page and, for the desk, the waitlist and the slot finder."""
    patient = PatientFactory(first_name="Inès", last_name="Garnier")
    account = invite_to_portal(patient=patient, invited_by=clinic["doctor"])
    account.set_password(PASSWORD)
    account.save()
    course = TreatmentPlanFactory(patient=patient, created_by=clinic["doctor"], sessions_done=1)
    second = course.sessions.get(number=2)
    book = f"/portal/sessions/{second.pk}/book/"
    patient_visits = [
        ("/portal/", None),
        (book, None),
        (book, send_emptied("main form[method=post]")),
        (book, hold_the_first_time),
        (f"/portal/sessions/{second.pk}/waitlist/", None),
    ]
    problems = problems_on(views.open(account.username), patient_visits)
    desk_visits = [
        ("/waitlist/", None),
        (f"/appointments/{clinic['appointment'].pk}/reschedule/", None),
        (f"/appointments/{clinic['appointment'].pk}/waitlist/", None),
    ]
    problems += problems_on(views.open("desk.a11y"), desk_visits)

    assert not problems, "\n".join(problems)


def hold_the_first_time(page: Page) -> None:
    page.locator("input[name=slot]").first.check()
    with page.expect_navigation():
        page.locator("main form[method=post] [type=submit]").click()
    expect(page.locator("form[action*='/confirm/']")).to_be_visible()
