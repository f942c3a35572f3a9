"""What the patient reads on the aftercare sheet and the plan: the urgent signs with numbers
to call, one duration per instruction, only what concerns the areas and the cocktail, on one
page; the sheet of a session still to come; the cocktail version that will be given."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from tests.factories import PatientConditionFactory
from tests.treatments.cocktail_forms import HYALURONIC_ACID, TRANEXAMIC_ACID, VITAMIN_B1, VITAMIN_C, ZINC, ingredient
from tests.treatments.test_aftercare import book, course, done, pdf_text
from treatments.cocktails import LineSpec, revise_formulation
from treatments.models import AftercareTopic, DocumentHandover, Ingredient

BLOCKED_BLOOD_FLOW = "Skin that turns white, grey, blue or mottled, or pain far stronger than expected"
ALLERGY_EMERGENCY = "Emergency: call 15 (or 112) at once. Allergic reactions can be life-threatening."


def sheet_of(client, session) -> str:
    return pdf_text(client.get(f"/sessions/{session.pk}/aftercare.pdf"))


def test_the_sheet_gives_the_signs_of_blocked_blood_flow_and_a_number_answered_day_and_night(
    client, derek, alice, settings
):
    settings.CLINIC_OUT_OF_HOURS_PHONE = "07 98 76 54 32"
    session = done(course(alice, derek).sessions.get(number=1), derek)
    client.force_login(alice.portal_user)
    text = sheet_of(client, session)
    assert BLOCKED_BLOOD_FLOW in text
    assert "Call the clinic at once, day or night" in text
    assert "day or night: 07 98 76 54 32" in text
    assert "Any change in your vision" in text  # a face session


def test_the_vision_warning_is_for_face_and_eye_area_sessions_only(client, derek, alice, bob):
    face = done(course(alice, derek, area="Periorbital").sessions.get(number=1), derek)
    scalp = done(course(bob, derek, area="Scalp").sessions.get(number=1), derek)
    client.force_login(derek)
    assert sheet_of(client, face).count("Any change in your vision") == 1
    assert "Any change in your vision" not in sheet_of(client, scalp)


def test_hyaluronic_and_tranexamic_acid_notes_appear_only_when_the_cocktail_contains_them(client, derek, alice, bob):
    plain = done(course(alice, derek).sessions.get(number=1), derek)
    rich = done(course(bob, derek, ingredients=[HYALURONIC_ACID, TRANEXAMIC_ACID]).sessions.get(number=1), derek)
    client.force_login(derek)
    plain_text, rich_text = sheet_of(client, plain), sheet_of(client, rich)
    assert "hyaluronic acid may be blocking a blood vessel; it can be dissolved" in rich_text
    assert rich_text.count(BLOCKED_BLOOD_FLOW) == 1  # the hyaluronic acid line replaces the general one
    assert "With tranexamic acid: pain or swelling in one leg" in rich_text
    assert "hyaluronic" not in plain_text.lower().replace("hyaluronic acid vial", "")
    assert "tranexamic" not in plain_text.lower()
    assert "a blood vessel may be blocked" in plain_text


def test_a_body_sheet_gives_one_duration_for_sport(client, derek, alice):
    session = done(course(alice, derek, area="Abdomen").sessions.get(number=1), derek)
    client.force_login(derek)
    text = sheet_of(client, session)
    assert text.count("No sport or heavy sweating") == 1
    assert "No sport or heavy sweating: 3 days" in text


def test_a_decolletage_sheet_gives_one_sun_instruction(client, derek, alice):
    session = done(course(alice, derek, area="Décolletage").sessions.get(number=1), derek)
    client.force_login(derek)
    text = sheet_of(client, session)
    assert "from the next day" not in text
    assert text.count("No sun or sunbed") == 1
    assert "No sun or sunbed: 48 hours" in text


def test_the_longest_of_topics_with_the_same_title_wins_whatever_its_scope(client, derek, alice):
    AftercareTopic.objects.create(
        kind=AftercareTopic.Kind.INSTRUCTION,
        title="No sun or sunbed",
        duration="2 weeks",
        advice="Vitamin C makes the skin sensitive to light.",
        ingredient=Ingredient.objects.get(name=VITAMIN_C),
    )
    session = done(course(alice, derek).sessions.get(number=1), derek)
    client.force_login(derek)
    text = sheet_of(client, session)
    assert "No sun or sunbed: 2 weeks. Vitamin C makes the skin sensitive to light." in text
    assert "48 hours. Keep out of the sun" not in text


def test_make_up_instructions_are_left_out_of_a_scalp_sheet(client, derek, alice, bob):
    scalp = course(alice, derek, area="Scalp")
    face = course(bob, derek, area="Face")
    client.force_login(derek)
    assert "make-up" not in sheet_of(client, done(scalp.sessions.get(number=1), derek))
    assert "make-up" not in sheet_of(client, scalp.sessions.get(number=2))  # the before sheet too
    assert "No make-up on the treated skin: 24 hours" in sheet_of(client, done(face.sessions.get(number=1), derek))


def test_an_instruction_needs_a_duration_the_sheet_can_compare(db):
    topic = AftercareTopic(kind=AftercareTopic.Kind.INSTRUCTION, title="No running", duration="until it feels fine")
    with pytest.raises(ValidationError) as refused:
        topic.full_clean()
    assert "hours, days, weeks or months" in refused.value.message_dict["duration_en"][0]
    AftercareTopic(kind=AftercareTopic.Kind.INSTRUCTION, title="No running", duration="2 to 3 days").full_clean()


def test_the_fullest_face_sheet_holds_on_one_a4_page(client, derek, alice):
    plan = course(alice, derek, area="Face", ingredients=[VITAMIN_C, ZINC, HYALURONIC_ACID, TRANEXAMIC_ACID])
    session = done(plan.sessions.get(number=1), derek)
    client.force_login(derek)
    response = client.get(f"/sessions/{session.pk}/aftercare.pdf")
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 1
    assert pages[0].mediabox.width == pytest.approx(595, abs=1)  # A4 in points


def test_the_plan_keeps_the_emergency_advice_the_sheet_gives(client, derek, alice):
    plan = course(alice, derek)
    session = done(plan.sessions.get(number=1), derek)
    client.force_login(alice.portal_user)
    plan_text = pdf_text(client.get(f"/plans/{plan.pk}/plan.pdf"))
    assert ALLERGY_EMERGENCY in plan_text
    assert ALLERGY_EMERGENCY in sheet_of(client, session)
    assert "day or night: 06 12 34 56 78" in plan_text


def test_a_session_not_recorded_on_its_day_gets_the_before_your_session_sheet(client, derek, alice):
    session = course(alice, derek).sessions.get(number=1)
    book(session, derek, days_ahead=0)
    client.force_login(alice.portal_user)
    text = sheet_of(client, session)
    assert "Before your mesotherapy session" in text
    assert "After your mesotherapy session" not in text


def test_no_sheet_is_printed_for_a_session_safety_blocks(client, derek, charlie, alice):
    plan = course(alice, derek)
    recorded = done(plan.sessions.get(number=1), derek)
    upcoming = plan.sessions.get(number=2)
    PatientConditionFactory(patient=alice, named="Pregnancy or breastfeeding")
    client.force_login(alice.portal_user)

    response = client.get(f"/sessions/{upcoming.pk}/aftercare.pdf")

    assert response.status_code == 200
    page = response.content.decode()
    assert "clinical hold" in page and "01 23 45 67 89" in page
    assert "Pregnancy" not in page  # no clinical detail
    assert not DocumentHandover.objects.filter(session=upcoming).exists()
    assert "After your mesotherapy session" in sheet_of(client, recorded)  # what was done stays readable
    client.force_login(charlie)
    assert "clinical hold" in client.get(f"/sessions/{upcoming.pk}/aftercare/").content.decode()


def test_the_morning_batch_has_a_hold_page_in_place_of_a_blocked_sheet(client, derek, charlie, alice):
    session = course(alice, derek).sessions.get(number=1)
    book(session, derek, days_ahead=0)
    PatientConditionFactory(patient=alice, named="Pregnancy or breastfeeding")
    client.force_login(charlie)
    text = pdf_text(client.get("/today/print/"))
    assert "No sheet: clinical hold" in text and "Alice Archer" in text
    assert "Before your mesotherapy session" not in text


def revise_without_b1(plan, derek):
    return revise_formulation(
        formulation=plan.formulation,
        name=plan.formulation.name,
        indication=plan.formulation.indication,
        total_volume_ml=plan.formulation.total_volume_ml,
        lines=[LineSpec(ingredient(ZINC), Decimal(1), "mg")],
        revised_by=derek,
    )


def test_documents_show_the_cocktail_version_that_will_be_given(client, derek, alice):
    plan = course(alice, derek, ingredients=[VITAMIN_B1, ZINC])
    recorded = done(plan.sessions.get(number=1), derek)
    revised = revise_without_b1(plan, derek)
    assert revised.version == 2
    client.force_login(alice.portal_user)

    assert "Vitamin B1" not in sheet_of(client, plan.sessions.get(number=2))
    assert "Vitamin B1" not in pdf_text(client.get(f"/plans/{plan.pk}/plan.pdf"))
    assert "Vitamin B1" in sheet_of(client, recorded)  # what was injected then


def test_the_recording_form_offers_the_same_version(client, derek, alice):
    plan = course(alice, derek, ingredients=[VITAMIN_B1, ZINC])
    done(plan.sessions.get(number=1), derek)
    revised = revise_without_b1(plan, derek)
    client.force_login(derek)
    response = client.get(f"/sessions/{plan.sessions.get(number=2).pk}/")
    assert response.context["record"]["formulation"].initial == revised
