"""Consent and questionnaire in the browser: the desk checks a patient in and hands them the
tablet, where they sign by drawing with the mouse and answer the questionnaire; a patient
answers the questionnaire in the portal in French; a dermatologist accepts an answer into the
chart, and the chart's safety check reacts. Pictures at a tablet's and a phone's width."""

import re
from datetime import datetime, time

from django.utils import timezone
from playwright.sync_api import Page, expect

from clinic.roles import Role
from consents import intake
from consents.models import ConsentSignature, IntakeResponse, KioskSession
from tests.consents.surfaces import NO_TO_ALL, course_needing_consent, only_form
from tests.e2e.conftest import PASSWORD, arrive, sign_in
from tests.factories import AppointmentFactory, PatientFactory, RoomFactory, UserFactory, WorkingHoursFactory


def draw_a_signature(page: Page) -> None:
    """Mouse moves across the signature box, as a hand would sign."""
    box = page.get_by_role("img", name=re.compile("draw your signature|dessiner votre signature", re.I))
    box.scroll_into_view_if_needed()
    area = box.bounding_box()
    left, top = area["x"], area["y"]
    page.mouse.move(left + 30, top + area["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(left + 30 + step * 15, top + area["height"] * (0.7 - 0.4 * (step % 6) / 6), steps=2)
    page.mouse.up()


def answer_no_to_everything(page: Page, no: str) -> None:
    for radio in page.get_by_role("radio", name=no, exact=True).all():
        radio.check()


def test_the_desk_hands_the_tablet_at_check_in_and_the_patient_signs_by_drawing(page, screenshot):
    desk = UserFactory(username="desk.kiosk", first_name="Julie", last_name="Perrin", role=Role.FRONT_DESK)
    desk.set_password(PASSWORD)
    desk.save()
    doctor = UserFactory(username="dr.kiosk", role=Role.DERMATOLOGIST)
    for weekday in range(7):
        WorkingHoursFactory(practitioner=doctor, weekday=weekday, start=time(8), end=time(20))
    form = only_form(
        version__title_en="Consent to mesotherapy",
        version__body_en="Small injections into the middle layer of the skin.\n\nRedness and swelling are expected.",
    )
    patient = PatientFactory(first_name="Léa", last_name="Martin", preferred_language="en")
    course = course_needing_consent(patient, created_by=doctor)
    today = timezone.localdate()
    AppointmentFactory(
        patient=patient,
        practitioner=doctor,
        room=RoomFactory(name="Room 1"),
        session=course.sessions.get(number=1),
        start=timezone.make_aware(datetime.combine(today, time(9))),
        end=timezone.make_aware(datetime.combine(today, time(9, 30))),
    )

    sign_in(page, "desk.kiosk")
    arrive(page, "/today/$")
    main = page.locator("#main")
    main.get_by_role("button", name="Check in").click()
    arrive(page, "/today/$")
    expect(main).to_contain_text("consent to sign")
    main.get_by_role("button", name="Sign on the tablet").click()

    arrive(page, "/kiosk/$")
    page.set_viewport_size({"width": 1024, "height": 1366})
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent to mesotherapy")
    expect(page.locator("body")).to_contain_text("For Léa Martin")
    expect(page.get_by_role("navigation")).to_have_count(0)
    screenshot("kiosk-1-consent-tablet")
    draw_a_signature(page)
    page.get_by_role("region", name="Sign with your finger").get_by_label("I have read this form").check()
    page.get_by_role("region", name="Sign with your finger").get_by_role("button", name="Sign").click()

    arrive(page, "/kiosk/$")
    expect(page.get_by_role("heading", level=1)).to_have_text("A few questions about your health")
    signature = ConsentSignature.objects.get(patient=patient)
    assert (signature.version, signature.method, signature.witnessed_by) == (form.current_version(), "drawn", desk)
    assert bytes(signature.drawing).startswith(b"\x89PNG")
    answer_no_to_everything(page, "No")
    screenshot("kiosk-2-questionnaire-tablet")
    page.get_by_role("button", name="Send my answers").click()

    arrive(page, "/kiosk/$")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert IntakeResponse.objects.get(patient=patient).channel == "kiosk"
    screenshot("kiosk-3-locked-tablet")

    # Nothing else is reachable until the desk takes the tablet back.
    page.goto(f"/patients/{patient.pk}/")
    arrive(page, "/kiosk/$")
    page.get_by_role("link", name="For the staff: take the tablet back").click()
    page.get_by_label("Staff password").fill(PASSWORD)
    page.get_by_role("button", name="Take the tablet back").click()
    arrive(page, "/today/$")
    expect(main).to_contain_text("The tablet is back in your hands.")
    expect(main).not_to_contain_text("consent to sign")
    assert KioskSession.objects.get().outcome == "finished"


def test_a_patient_answers_the_questionnaire_in_the_portal_in_french(page, screenshot):
    account = UserFactory(username="camille", role=Role.PATIENT, language="fr")
    account.set_password(PASSWORD)
    account.save()
    patient = PatientFactory(first_name="Camille", last_name="Durand", preferred_language="fr", portal_user=account)
    only_form()
    course_needing_consent(patient)

    sign_in(page, "camille")
    page.goto("/portal/consents/")
    page.get_by_role("link", name="Répondre au questionnaire").click()
    arrive(page, "/portal/questionnaire/$")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quelques questions sur votre santé")

    # Sent with a question left unanswered: the page says which, in French.
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator("#main")).to_contain_text("Il manque des réponses")

    answer_no_to_everything(page, "Non")
    allergies = page.locator("fieldset:has(input[name=allergies])")
    allergies.get_by_role("radio", name="Oui").check()
    allergies.get_by_role("textbox").fill("Latex")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("portal-questionnaire-fr-phone")
    page.get_by_role("button", name="Envoyer mes réponses").click()

    arrive(page, "/portal/consents/$")
    expect(page.locator("#main")).to_contain_text("Merci : vos réponses ont bien été transmises au cabinet.")
    answered = IntakeResponse.objects.get(patient=patient)
    assert (answered.language, answered.channel) == ("fr", "portal")
    assert answered.proposals.get(question="allergies").text == "Latex"
    screenshot("portal-consents-fr-phone")


def test_the_dermatologist_accepts_an_answer_into_the_chart_and_the_safety_check_blocks(page, screenshot):
    doctor = UserFactory(username="dr.intake", role=Role.DERMATOLOGIST)
    doctor.set_password(PASSWORD)
    doctor.save()
    patient = PatientFactory(first_name="Inès", last_name="Garnier", preferred_language="fr")
    only_form()
    course_needing_consent(patient, created_by=doctor)
    intake.answer(
        patient=patient,
        kind=IntakeResponse.Kind.FULL,
        answers={**NO_TO_ALL, "pregnancy": "yes"},
        channel=ConsentSignature.Channel.KIOSK,
        recorded_by=doctor,
        language="fr",
    )

    sign_in(page, "dr.intake")
    page.goto(f"/patients/{patient.pk}/")
    main = page.locator("#main")
    before_any_cocktail = main.locator(".card", has=page.get_by_role("heading", name="Before any cocktail"))
    expect(before_any_cocktail).to_contain_text("No contraindication applies")
    expect(main).to_contain_text("1 answer to review")
    main.get_by_role("link", name="Review the answers").click()

    arrive(page, f"/patients/{patient.pk}/questionnaire/$")
    proposal = main.locator(".card", has=page.get_by_role("heading", name="Pregnancy or breastfeeding"))
    expect(proposal).to_contain_text("The patient answered yes.")
    screenshot("intake-review")
    proposal.get_by_role("button", name="Accept into the chart").click()

    arrive(page, f"/patients/{patient.pk}/questionnaire/$")
    expect(main).to_contain_text("The answer is in the chart.")
    expect(main).to_contain_text("No answers to review.")
    page.get_by_role("link", name="Inès Garnier").click()

    arrive(page, f"/patients/{patient.pk}/$")
    expect(before_any_cocktail).to_contain_text("Blocked")
    expect(before_any_cocktail).to_contain_text("Pregnancy or breastfeeding")
    assert patient.conditions.get().contraindication.name == "Pregnancy or breastfeeding"
