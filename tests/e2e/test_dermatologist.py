"""A dermatologist's whole job for a new patient, in the browser: register, compose a safe
cocktail, plan and book a course, record the first session, hand over the aftercare sheet."""

import re
from datetime import date, time

from django.utils import timezone
from playwright.sync_api import expect

from clinic.roles import Role
from scheduling.models import Appointment
from tests.e2e.conftest import PASSWORD, arrive, sign_in
from tests.factories import (
    FormulationFactory,
    ProductFactory,
    RoomFactory,
    UserFactory,
    WorkingHoursFactory,
    make_ready,
)
from treatments.models import Ingredient, Lot, Protocol, TreatmentPlan


def test_dermatologist_registers_plans_books_records_and_prints(page, screenshot):
    doctor = UserFactory(username="dr.e2e", first_name="Inès", last_name="Morel", role=Role.DERMATOLOGIST)
    doctor.set_password(PASSWORD)
    doctor.save()
    RoomFactory(name="Room 1")
    for weekday in range(7):
        WorkingHoursFactory(practitioner=doctor, weekday=weekday, start=time(8), end=time(20))
    glow = FormulationFactory(
        name="Glow",
        ingredients=["Hyaluronic acid, non-cross-linked", "Vitamin B5 (dexpanthenol)", "Zinc"],
    )
    Protocol.objects.filter(name="Skin rejuvenation").update(default_formulation=glow)
    vial = ProductFactory(
        name="Hyaluronic acid 1 %",
        presentation="vial 2 mL",
        manufacturer="Demo Pharma",
        ingredients=["Hyaluronic acid, non-cross-linked"],
    )
    Lot.objects.create(product=vial, lot_number="HA-2026-118", expiry_date=date(2028, 1, 31))

    sign_in(page, "dr.e2e")
    expect(page).to_have_url(re.compile("/today/$"))

    main = page.locator("#main")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    main.get_by_role("link", name="Register a patient").click()
    page.get_by_label("First name").fill("Nadia")
    page.get_by_label("Last name").fill("Lambert")
    page.get_by_label("Date of birth").fill("1984-05-17")
    page.get_by_label("Sex").select_option(label="Female")
    page.get_by_label("Phone").fill("06 12 34 56 78")
    page.get_by_label("Allergic to", exact=True).select_option(label="Zinc")
    screenshot("dermatologist-1-register")
    page.get_by_role("button", name="Register patient").click()
    expect(page.get_by_role("heading", name="Nadia Lambert")).to_be_visible()
    expect(main.get_by_text("Zinc").first).to_be_visible()
    screenshot("dermatologist-2-chart")

    main.get_by_role("link", name="New cocktail").click()
    arrive(page, r"/formulations/new/\?patient=")
    page.get_by_label("Start from a clinic template").select_option(label="Glow (Skin rejuvenation)")
    main.get_by_role("button", name="Load").click()
    arrive(page, r"/formulations/new/\?.*from=")
    summary = page.locator("#composition-summary")
    expect(summary).to_contain_text("Allergic to Zinc.")
    screenshot("dermatologist-3-allergy-blocked")
    zinc = Ingredient.objects.get(name="Zinc")
    page.locator(f"tr.line-row:has(option[value='{zinc.pk}']:checked)").get_by_role(
        "button", name="Remove this ingredient"
    ).click()
    expect(summary).to_contain_text("No allergy or contraindication found for this patient.")
    main.get_by_role("button", name="Save cocktail").click()
    expect(main.get_by_text("Glow — Nadia Lambert is saved.")).to_be_visible()
    expect(main).not_to_contain_text("Zinc")

    main.get_by_role("link", name="Nadia Lambert").first.click()
    main.get_by_role("link", name="New course").click()
    page.get_by_label("Protocol", exact=True).select_option(label="Skin rejuvenation — 4 sessions every 14 days")
    main.get_by_role("button", name="Use this protocol").click()
    arrive(page, r"/plans/new/\?.*protocol=")
    page.get_by_label("Cocktail").select_option(label="Glow — Nadia Lambert (patient's own)")
    screenshot("dermatologist-4-course")
    main.get_by_role("button", name="Start the course").click()
    expect(main).to_contain_text("Active")

    main.get_by_role("link", name="Book the remaining sessions").click()
    main.get_by_role("button", name="Propose").click()
    main.get_by_role("button", name="Book all of these").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert Appointment.objects.filter(patient__last_name="Lambert").count() == 4
    screenshot("dermatologist-5-course-booked")

    # Nadia signs the consent and answers the questionnaire at the desk, as
    # test_consent_journeys shows: the gate lets the session be recorded.
    make_ready(TreatmentPlan.objects.get(patient__last_name="Lambert"), on=timezone.localdate())
    main.get_by_role("link", name="Record").first.click()
    arrive(page, r"/sessions/[0-9a-f-]+/$")
    # The picker: the product as the catalogue names it, then its lot registered before,
    # whose expiry it fills in.
    page.get_by_label("Product").first.press_sequentially("hyaluronic")
    expect(page.locator("#product-options option")).to_have_count(1)
    page.get_by_label("Product").first.fill("Hyaluronic acid 1 %, vial 2 mL (Demo Pharma)")
    page.get_by_label("Lot number").first.press_sequentially("ha 2026")
    expect(page.locator("#id_lots-0-lot_number-options option")).to_have_count(1)
    page.get_by_label("Lot number").first.fill("HA-2026-118")
    page.get_by_label("Lot number").first.dispatch_event("change")
    expect(page.get_by_label("Expiry date").first).to_have_value("31/01/2028")
    screenshot("dermatologist-6-lot-picker")
    main.get_by_role("button", name="Record the session").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(main).to_contain_text("HA-2026-118")

    main.get_by_role("link", name="Preview").click()
    sheet = page.locator("body")
    expect(sheet).to_contain_text("After your mesotherapy session")
    expect(sheet).to_contain_text("redness")
    expect(sheet).to_contain_text("swelling")
    screenshot("dermatologist-7-aftercare")
