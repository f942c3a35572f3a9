"""From the keyboard alone, in English and in French: signing in, booking (the patient search, the
slot picker, confirming) and cancelling from the portal; focus is always visible, at 3:1 or more
against what surrounds it, and never dropped to the page after a choice."""

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import Page, expect

from clinic.roles import Role
from patients.registry import invite_to_portal
from scheduling.models import Appointment
from tests.e2e.conftest import PASSWORD, keep_documents
from tests.factories import (
    AppointmentFactory,
    FormulationFactory,
    PatientFactory,
    RoomFactory,
    UserFactory,
    WorkingHoursFactory,
    next_tuesday_at_ten,
)

LOCALES = {"en": "en-GB", "fr": "fr-FR"}

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  let around = "rgb(255, 255, 255)";
  for (let node = element.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") { around = colour; break; }
  }
  return {
    control: `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""} "${
      (element.textContent || element.name || "").trim().slice(0, 30)}"`,
    onTealBar: !!element.closest(".bg-mesoplan"),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineColour: style.outlineColor,
    around,
  };
}"""


@pytest.fixture
def clinic():
    doctor = UserFactory(username="dr.keys", role=Role.DERMATOLOGIST)
    doctor.set_password(PASSWORD)
    doctor.save()
    for weekday in range(7):
        WorkingHoursFactory(practitioner=doctor, weekday=weekday, start=time(8), end=time(20))
    RoomFactory(name="Room 1")
    patient = PatientFactory(first_name="Camille", last_name="Durand")
    account = invite_to_portal(patient=patient, invited_by=doctor)
    account.set_password(PASSWORD)
    account.save()
    # Far enough ahead for the patient to cancel it online.
    AppointmentFactory(patient=patient, practitioner=doctor, start=next_tuesday_at_ten() + timedelta(days=7))
    return {"doctor": doctor, "patient": patient, "account": account}


@pytest.fixture(params=list(LOCALES))
def keyboard(request, browser, live_server, served_documents) -> Page:
    """A page in the browser of someone who reads `request.param` (its Accept-Language)."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale=LOCALES[request.param]
    )
    context.set_default_timeout(10_000)
    keep_documents(context, served_documents, request.param)
    page = context.new_page()
    yield page
    context.close()


def sign_in_by_keyboard(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    expect(page.locator("input[name=username]")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.locator("input[name=password]")).to_be_focused()
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 60) -> None:
    """Presses Tab (or Shift+Tab) until the control `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    pytest.fail(f"{selector} never took the focus in {limit} presses of Tab")


def relative_luminance(colour: str) -> float:
    red, green, blue = (int(part) / 255 for part in re.findall(r"[\d.]+", colour)[:3])

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted([relative_luminance(first), relative_luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_every_control_shows_a_focus_ring_of_3_to_1_on_its_background(page, clinic):
    sign_in_by_keyboard(page, "dr.keys")
    page.goto("/appointments/new/?patient=" + str(clinic["patient"].pk))
    seen, faint = [], []
    page.keyboard.press("Tab")  # the skip link first, then the navigation, the form, the slot finder
    for _ in range(40):
        focused = page.evaluate(FOCUSED)
        if focused["control"].startswith("body"):
            break  # past the last control, the focus leaves the page
        seen.append(focused)
        ratio = contrast(focused["outlineColour"], focused["around"])
        if focused["outlineStyle"] == "none" or focused["outlineWidth"] < 2 or ratio < 3:
            faint.append(f"{focused['control']}: {focused['outlineWidth']}px {focused['outlineColour']} {ratio:.2f}:1")
        page.keyboard.press("Tab")

    assert not faint, "focus rings too faint:\n" + "\n".join(faint)
    controls = " ".join(focused["control"] for focused in seen)
    assert any(focused["onTealBar"] for focused in seen), "no control on the teal bar was reached"
    for control in ["select#id_practitioner", "input#id_start", 'button "Book"', "input#slot-date"]:
        assert control in controls
    white_ring_on_teal = [f["outlineColour"] for f in seen if f["onTealBar"]]
    assert set(white_ring_on_teal) == {"rgb(255, 255, 255)"}


def test_booking_from_the_keyboard(keyboard, clinic):
    page = keyboard
    sign_in_by_keyboard(page, "dr.keys")
    page.goto(f"/appointments/new/?start={next_tuesday_at_ten():%Y-%m-%dT%H:%M}")

    page.locator("#patient-search").focus()
    page.keyboard.type("durand")
    choice = page.locator(".patient-choice").first
    expect(choice).to_be_visible()
    page.keyboard.press("Tab")
    expect(choice).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#patient-chosen")).to_contain_text("DURAND, Camille")
    # The chosen button is gone: the focus goes on to the form's next field, not to the page.
    expect(page.locator("#id_practitioner")).to_be_focused()

    # The patient's choice reloaded the slots of the day given; they sit in a live region.
    first_slot = page.locator(".slot-choice").first
    expect(first_slot).to_be_visible()
    assert page.locator("[aria-live=polite]:has(#slot-list)").count() == 1
    tab_to(page, ".slot-choice")
    expect(first_slot).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Enter")
    expect(first_slot).to_have_attribute("aria-pressed", "true")
    # Shown by a tick as well as by its colour.
    assert "✓" in first_slot.evaluate("(slot) => getComputedStyle(slot, '::before').content")
    expect(page.locator("#id_start")).to_have_value(first_slot.get_attribute("data-start"))

    tab_to(page, "#booking-form [type=submit]", backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/appointments/[0-9a-f-]{36}/$"))
    assert Appointment.objects.filter(patient=clinic["patient"]).count() == 2  # the one booked before, and this


def test_a_booking_with_errors_marks_the_patient_search_field(keyboard, clinic):
    page = keyboard
    sign_in_by_keyboard(page, "dr.keys")
    page.goto("/appointments/new/")
    tab_to(page, "#booking-form [type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    search = page.locator("#patient-search")
    expect(search).to_have_attribute("aria-invalid", "true")
    error = page.locator("#" + search.get_attribute("aria-describedby"))
    expect(error).to_be_visible()
    for field in page.locator("#booking-form [aria-invalid=true]").all():
        for described_by in field.get_attribute("aria-describedby").split():
            expect(page.locator(f"#{described_by}")).to_be_attached()


def test_cancelling_from_the_portal_by_keyboard(keyboard, clinic):
    page = keyboard
    sign_in_by_keyboard(page, clinic["account"].username)
    expect(page).to_have_url(re.compile("/portal/$"))
    tab_to(page, "form[action*='/cancel/'] [type=submit]")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert Appointment.objects.get(patient=clinic["patient"]).status == Appointment.Status.CANCELLED
    expect(page.locator("form[action*='/cancel/']")).to_have_count(0)


def test_a_table_too_wide_for_a_phone_is_a_named_region_the_keyboard_scrolls(page, clinic):
    cocktail = FormulationFactory(name="Glow", ingredients=["Zinc"], created_by=clinic["doctor"])
    sign_in_by_keyboard(page, "dr.keys")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(cocktail.get_absolute_url())

    composition = page.get_by_role("region", name="Composition")
    tab_to(page, ".table-responsive")
    expect(composition).to_be_focused()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    # The browser scrolls smoothly: wait for it to have moved.
    page.wait_for_function("() => document.querySelector('.table-responsive').scrollLeft > 0", timeout=5_000)

    # Wide enough for the whole table, the box no longer scrolls, nor takes a Tab stop.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator(".table-responsive").first).not_to_have_attribute("tabindex", "0")
    expect(composition).to_have_count(0)
