"""The course pages as the dermatologist, the front desk and the patient use them."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from patients.models import Contraindication
from patients.registry import record_condition
from tests.factories import FormulationFactory, ProductFactory, make_ready, record_visit_of
from tests.treatments.cocktail_forms import HYALURONIC_ACID, VITAMIN_B1, VITAMIN_C, ZINC
from treatments import plans, records, safety
from treatments.models import AftercareTopic, Ingredient, Protocol, TreatmentArea, TreatmentPlan, TreatmentSession

FACE = "Face"


def make_plan(patient, derek, *, sessions=4, ingredients=(VITAMIN_C, ZINC)):
    """A course whose patient signed its consents and answered the questionnaire."""
    cocktail = FormulationFactory(patient=patient, created_by=derek, ingredients=list(ingredients), total_volume_ml=3)
    plan = plans.create_plan(
        patient=patient,
        formulation=cocktail,
        areas=[plans.AreaVolume(TreatmentArea.objects.get(name=FACE), Decimal(2))],
        start_date=timezone.localdate(),
        sessions_planned=sessions,
        interval_days=14,
        min_days=7,
        max_days=28,
        created_by=derek,
    )
    make_ready(plan, on=plan.start_date)
    return plan


def record(session, derek, lot_number="LOT-1", expiry=None):
    return record_visit_of(session, by=derek, lot_number=lot_number, expiry=expiry)


def plan_form(patient, **changes):
    areas = list(TreatmentArea.objects.filter(active=True))
    data = {
        "patient": str(patient.pk),
        "protocol": str(Protocol.objects.get(name="Skin rejuvenation").pk),
        "start_date": str(timezone.localdate()),
        "sessions_planned": "4",
        "interval_days": "14",
        "min_days": "7",
        "max_days": "28",
        "maintenance_interval_days": "182",
        "maintenance_count": "1",
        "notes": "",
        "acknowledgement_reason": "",
        "action": "activate",
        "areas-TOTAL_FORMS": str(len(areas)),
        "areas-INITIAL_FORMS": str(len(areas)),
        "areas-MIN_NUM_FORMS": "0",
        "areas-MAX_NUM_FORMS": "1000",
    }
    for index, area in enumerate(areas):
        data[f"areas-{index}-area"] = str(area.pk)
        data[f"areas-{index}-volume_ml"] = "2"
        if area.name == FACE:
            data[f"areas-{index}-included"] = "on"
    return data | changes


def test_dermatologist_plans_a_course_from_a_protocol_and_sees_its_dates(client, derek, alice):
    client.force_login(derek)
    protocol = Protocol.objects.get(name="Skin rejuvenation")
    template = FormulationFactory(name="Face template", ingredients=[HYALURONIC_ACID, VITAMIN_C], total_volume_ml=3)
    page = client.get("/plans/new/", {"patient": alice.pk, "protocol": protocol.pk})
    assert page.status_code == 200
    assert page.context["form"].initial["sessions_planned"] == 4
    assert len(page.context["summary"]["dates"]) == 4

    response = client.post("/plans/new/", plan_form(alice, formulation=str(template.pk)))

    plan = TreatmentPlan.objects.get(patient=alice)
    assert response["Location"] == f"/plans/{plan.pk}/"
    assert plan.formulation.patient == alice  # the template became Alice's own cocktail
    assert plan.sessions.count() == 4
    detail = client.get(response["Location"]).content.decode()
    for session in plan.sessions.all():
        assert session.target_date.strftime("%d/%m/%Y") in detail


def test_plan_with_an_allergen_is_blocked_and_allowed_without_it(client, derek, alice):
    alice.allergens.add(Ingredient.objects.get(name=VITAMIN_B1).own_allergen)
    with_b1 = FormulationFactory(
        patient=alice, created_by=derek, ingredients=[VITAMIN_B1, VITAMIN_C], total_volume_ml=3
    )
    without = FormulationFactory(patient=alice, created_by=derek, ingredients=[VITAMIN_C], total_volume_ml=3)
    client.force_login(derek)

    refused = client.post("/plans/new/", plan_form(alice, formulation=str(with_b1.pk)))
    assert refused.status_code == 200
    assert "Allergic to Vitamin B1 (thiamine)." in refused.context["form"].errors["override_reason"][0]
    assert not TreatmentPlan.objects.exists()

    accepted = client.post("/plans/new/", plan_form(alice, formulation=str(without.pk)))
    assert accepted.status_code == 302
    assert TreatmentPlan.objects.filter(patient=alice).count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start_date": "2020-01-01"}, "start_date", "A course cannot start more than 7 days ago."),
        ({"sessions_planned": "0"}, "sessions_planned", "Plan at least one session."),
        ({"interval_days": "2", "min_days": "2"}, "interval_days", "Sessions must be at least 3 days apart."),
        (
            {"interval_days": "40"},
            "interval_days",
            "The interval must lie between the minimum and the maximum spacing.",
        ),
        ({"min_days": "30", "max_days": "10"}, "min_days", "The minimum cannot be more than the maximum."),
        ({"min_days": "30", "max_days": "10"}, "max_days", "The maximum cannot be less than the minimum."),
    ],
)
def test_bad_plans_are_refused_by_their_field(client, derek, alice, changes, field, message):
    cocktail = FormulationFactory(patient=alice, created_by=derek, ingredients=[VITAMIN_C], total_volume_ml=3)
    client.force_login(derek)
    response = client.post("/plans/new/", plan_form(alice, formulation=str(cocktail.pk), **changes))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not TreatmentPlan.objects.exists()


def test_areas_above_the_cocktail_volume_are_refused(client, derek, alice):
    cocktail = FormulationFactory(patient=alice, created_by=derek, ingredients=[VITAMIN_C], total_volume_ml=1)
    client.force_login(derek)
    response = client.post("/plans/new/", plan_form(alice, formulation=str(cocktail.pk)))
    assert response.context["form"].non_field_errors() == [
        "The areas add up to 2 mL, more than the cocktail's 1 mL per session."
    ]
    assert not TreatmentPlan.objects.exists()


def test_recording_a_session_with_an_expired_lot_is_refused(client, derek, alice):
    plan = make_plan(alice, derek)
    session = plan.sessions.get(number=1)
    client.force_login(derek)
    page = client.get(f"/sessions/{session.pk}/")
    form = page.context["record"]
    data = {
        "done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "practitioner": str(derek.pk),
        "formulation": str(form.initial["formulation"].pk),
        "reactions": ["redness"],
        "reaction_notes": "",
        "notes": "",
        "areas-TOTAL_FORMS": "1",
        "areas-INITIAL_FORMS": "1",
        "areas-MIN_NUM_FORMS": "0",
        "areas-MAX_NUM_FORMS": "1000",
        "areas-0-area": str(TreatmentArea.objects.get(name=FACE).pk),
        "areas-0-volume_ml": "2",
        "areas-0-technique": "nappage",
        "lots-TOTAL_FORMS": "1",
        "lots-INITIAL_FORMS": "0",
        "lots-MIN_NUM_FORMS": "0",
        "lots-MAX_NUM_FORMS": "1000",
        "lots-0-product": ProductFactory(name="HA vial").name,
        "lots-0-lot_number": "OLD-1",
        "lots-0-expiry_date": "2020-01-31",
    }
    refused = client.post(f"/sessions/{session.pk}/", data)
    assert "HA vial, lot OLD-1, expired on 31/01/2020: do not use it." in refused.content.decode()
    session.refresh_from_db()
    assert session.status == TreatmentSession.Status.PLANNED

    in_a_month = (timezone.localtime() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    both_wrong = client.post(f"/sessions/{session.pk}/", data | {"done_at": in_a_month}).content.decode()
    assert "A session cannot be recorded in the future." in both_wrong
    assert "HA vial, lot OLD-1, expired on 31/01/2020: do not use it." in both_wrong

    accepted = client.post(f"/sessions/{session.pk}/", data | {"lots-0-expiry_date": "2030-01-31"})
    assert accepted.status_code == 302
    session.refresh_from_db()
    assert session.is_done
    assert session.formulation.is_frozen
    assert list(session.lots.values_list("lot__lot_number", flat=True)) == ["OLD-1"]


def test_recall_lists_exactly_the_patients_who_got_the_lot(client, derek, alice, bob):
    record(make_plan(alice, derek).sessions.get(number=1), derek, lot_number="HA-RECALL")
    record(make_plan(bob, derek).sessions.get(number=1), derek, lot_number="HA-OTHER")
    client.force_login(derek)

    page = client.get("/lots/", {"q": "ha-recall"})
    assert [lot.session.plan.patient for lot in page.context["lots"]] == [alice]
    csv_text = client.get("/lots/", {"q": "HA-RECALL", "format": "csv"}).content.decode()
    assert "Alice Archer" in csv_text
    assert alice.phone in csv_text
    assert "Bob Baker" not in csv_text


def test_plan_pdf_names_the_patient_and_every_session(client, derek, alice):
    plan = make_plan(alice, derek)
    record(plan.sessions.get(number=1), derek)
    client.force_login(derek)
    response = client.get(f"/plans/{plan.pk}/plan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Alice Archer" in text
    for session in plan.sessions.exclude(number=1):
        assert session.target_date.strftime("%-d %B %Y") in text
    assert "1 of 4" in text and "4 of 4" in text


def test_plan_pdf_tells_what_to_expect_in_the_clinics_own_words(client, derek, alice):
    plan = make_plan(alice, derek)
    AftercareTopic.objects.filter(kind=AftercareTopic.Kind.BEFORE, title="No alcohol").update(
        duration="48 hours before"
    )
    AftercareTopic.objects.filter(kind=AftercareTopic.Kind.EFFECT, title="Swelling").update(duration="up to 3 days")
    AftercareTopic.objects.filter(kind=AftercareTopic.Kind.BEFORE, title="Come without make-up on the area").update(
        active=False
    )
    client.force_login(alice.portal_user)

    response = client.get(f"/plans/{plan.pk}/plan.pdf")

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "No alcohol (48 hours before)" in text
    assert "Swelling (up to 3 days)" in text
    assert "Redness" in text
    assert "make-up" not in text
    assert "Hives, swelling of the lips or eyes" in text


def test_front_desk_sees_the_plan_and_pdf_but_cannot_record(client, charlie, derek, alice):
    plan = make_plan(alice, derek)
    session = plan.sessions.get(number=1)
    client.force_login(charlie)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Record" not in page
    assert client.get(f"/plans/{plan.pk}/plan.pdf").status_code == 200
    assert client.get(f"/sessions/{session.pk}/").status_code == 403
    assert client.post(f"/sessions/{session.pk}/", {}).status_code == 403
    assert client.get("/lots/").status_code == 403


def test_patients_reach_only_their_own_plan_pdf(client, derek, alice, bob):
    plan = make_plan(alice, derek)
    client.force_login(alice.portal_user)
    assert client.get(f"/plans/{plan.pk}/plan.pdf").status_code == 200
    assert client.get(f"/plans/{plan.pk}/").status_code == 403
    client.force_login(bob.portal_user)
    assert client.get(f"/plans/{plan.pk}/plan.pdf").status_code == 404


def test_a_done_session_is_corrected_by_an_amendment_that_keeps_the_original(client, derek, alice):
    session = record(make_plan(alice, derek).sessions.get(number=1), derek)
    client.force_login(derek)
    refused = client.post(f"/sessions/{session.pk}/", {"notes": "rewritten"})
    assert refused.status_code == 302
    session.refresh_from_db()
    assert session.notes == ""

    client.post(
        f"/sessions/{session.pk}/amend/",
        {
            "done_at": timezone.localtime(session.done_at).strftime("%Y-%m-%dT%H:%M"),
            "practitioner": session.practitioner.pk,
            "amendments_seen": 0,
            "reactions": ["redness", "bruising"],
            "reaction_notes": "",
            "notes": "Small bruise left cheek",
            "reason": "Patient called the next day",
        },
    )
    session.refresh_from_db()
    assert session.reactions == ["redness", "bruising"]
    amendment = session.amendments.get()
    # The log reads as the record does: labels, not codes.
    assert amendment.changes["reactions"] == ["None", "Redness, Bruising"]
    assert amendment.amended_by == derek
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Patient called the next day" in page


@pytest.mark.parametrize("sessions", [3, 30])
def test_plan_page_queries_stay_flat(client, derek, alice, django_assert_max_num_queries, sessions):
    plan = make_plan(alice, derek, sessions=sessions)
    record(plan.sessions.get(number=1), derek)
    client.force_login(derek)
    # session, user, groups, plan with patient/prescriber/protocol/cocktail, sessions, their lots,
    # their appointments, areas, cocktail lines with ingredients, overrides with who and which session,
    # the patient's allergies and unverified allergies; what the next session still needs
    # (consents.gate: forms, their protocols and versions, signatures, questionnaires, policy)
    with django_assert_max_num_queries(19):
        response = client.get(f"/plans/{plan.pk}/")
    assert len(response.context["plan"].sessions.all()) == sessions


def test_chart_lists_courses_and_flags_an_overdue_session(client, charlie, derek, alice, time_machine):
    plan = make_plan(alice, derek)
    time_machine.move_to(timezone.now() + timedelta(days=30))
    client.force_login(charlie)
    chart = client.get(f"/patients/{alice.pk}/").content.decode()
    assert "Skin rejuvenation course" in chart
    assert "session 1 overdue" in chart
    assert plan.sessions.get(number=1).is_overdue()


def test_a_warning_that_appears_after_planning_needs_a_reason_at_the_session(derek, alice):
    plan = make_plan(alice, derek)
    record_condition(
        patient=alice,
        contraindication=Contraindication.objects.get(name="Keloid or hypertrophic scarring (self or family)"),
        recorded_by=derek,
    )
    session = plan.sessions.get(number=1)
    with pytest.raises(safety.MissingAcknowledgement):
        record(session, derek)
    session.refresh_from_db()
    assert session.status == TreatmentSession.Status.PLANNED

    records.record_session(
        session=session,
        done_at=timezone.now(),
        practitioner=derek,
        formulation=plan.formulation,
        areas=[records.AdministeredArea(a.area, a.volume_ml, a.area.technique) for a in plan.areas.all()],
        lots=[records.Lot(ProductFactory(name="HA vial"), "LOT-9", timezone.localdate() + timedelta(days=90))],
        acknowledgement_reason="Keloid on the chest only; face treated.",
        recorded_by=derek,
    )
    session.refresh_from_db()
    assert session.is_done
    assert plan.formulation.acknowledgements.get().reason == "Keloid on the chest only; face treated."


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"interval_days": "99999", "max_days": "99999"}, "interval_days", "At most 365 days."),
        ({"start_date": "9999-12-31"}, "start_date", "A course starts within the coming year."),
        ({"maintenance_interval_days": "1"}, "maintenance_interval_days", "at least 7 days apart"),
    ],
)
def test_absurd_plans_are_refused_not_crashed(client, derek, alice, changes, field, message):
    cocktail = FormulationFactory(patient=alice, created_by=derek, ingredients=[VITAMIN_C], total_volume_ml=3)
    client.force_login(derek)
    data = plan_form(alice, formulation=str(cocktail.pk), **changes)
    assert client.post("/plans/preview/", data).status_code == 200
    response = client.post("/plans/new/", data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not TreatmentPlan.objects.exists()


def test_a_record_is_corrected_only_with_a_date(client, derek, alice):
    session = record(make_plan(alice, derek).sessions.get(number=1), derek)
    client.force_login(derek)
    response = client.post(
        f"/sessions/{session.pk}/amend/",
        {
            "done_at": "",
            "reactions": ["none"],
            "notes": "",
            "reason": "The time was typed in the wrong field",
            "amendments_seen": 0,
        },
    )
    assert response.status_code == 400
    assert "The correction was not saved" in response.content.decode()
    assert response.context["amend_form"].errors["done_at"] == ["This field is required."]
    assert not session.amendments.exists()


def test_an_area_recorded_twice_is_refused(derek, alice):
    plan = make_plan(alice, derek)
    face = records.AdministeredArea(TreatmentArea.objects.get(name=FACE), Decimal(1), "nappage")
    with pytest.raises(ValidationError, match="once"):
        records.record_session(
            session=plan.sessions.get(number=1),
            done_at=timezone.now(),
            practitioner=derek,
            formulation=plan.formulation,
            areas=[face, face],
            lots=[records.Lot(ProductFactory(name="HA vial"), "L1", timezone.localdate() + timedelta(days=30))],
            recorded_by=derek,
        )
    assert not plan.sessions.filter(status=TreatmentSession.Status.DONE).exists()


def test_a_draft_is_started_by_the_dermatologist_and_hidden_from_the_patient(client, derek, alice):
    cocktail = FormulationFactory(patient=alice, created_by=derek, ingredients=[VITAMIN_C], total_volume_ml=3)
    client.force_login(derek)
    client.post("/plans/new/", plan_form(alice, formulation=str(cocktail.pk), action="draft"))
    plan = TreatmentPlan.objects.get(patient=alice)
    assert plan.status == TreatmentPlan.Status.DRAFT

    client.force_login(alice.portal_user)
    assert client.get(f"/plans/{plan.pk}/plan.pdf").status_code == 404

    client.force_login(derek)
    client.post(f"/plans/{plan.pk}/activate/")
    plan.refresh_from_db()
    assert plan.status == TreatmentPlan.Status.ACTIVE
    client.force_login(alice.portal_user)
    assert client.get(f"/plans/{plan.pk}/plan.pdf").status_code == 200


def test_a_stopped_course_cannot_be_stopped_again(derek, alice):
    plan = make_plan(alice, derek)
    plans.stop_plan(plan=plan, reason="Moved away", stopped_by=derek)
    with pytest.raises(ValidationError, match="already stopped"):
        plans.stop_plan(plan=plan, reason="Again", stopped_by=derek)


def test_a_second_course_from_the_same_template_reuses_the_patients_copy(client, derek, alice):
    template = FormulationFactory(name="Face template", ingredients=[VITAMIN_C, ZINC], total_volume_ml=3)
    client.force_login(derek)
    client.post("/plans/new/", plan_form(alice, formulation=str(template.pk)))
    client.post("/plans/new/", plan_form(alice, formulation=str(template.pk)))
    courses = TreatmentPlan.objects.filter(patient=alice)
    assert courses.count() == 2
    assert len({course.formulation_id for course in courses}) == 1


def test_search_with_a_nul_character_answers_normally(client, derek):
    client.force_login(derek)
    assert client.get("/patients/", {"q": "a\x00b"}).status_code == 200
    assert client.get("/lots/", {"q": "\x00"}).status_code == 200


def test_recall_finds_a_lot_typed_in_another_case_and_exports_no_spreadsheet_formulas(client, derek, alice):
    record(make_plan(alice, derek).sessions.get(number=1), derek, lot_number="=HYPERLINK(1)")
    client.force_login(derek)
    assert len(client.get("/lots/", {"q": "=hyperlink(1)"}).context["lots"]) == 1
    assert len(client.get("/lots/", {"q": "=hyper"}).context["lots"]) == 0
    csv_text = client.get("/lots/", {"q": "=HYPERLINK(1)", "format": "csv"}).content.decode()
    assert "'=HYPERLINK(1)" in csv_text


def test_a_course_starting_later_offers_no_record_button_and_says_when_recording_opens(client, derek, alice):
    plan = make_plan(alice, derek)
    starts = timezone.localdate() + timedelta(days=3)
    TreatmentPlan.objects.filter(pk=plan.pk).update(start_date=starts)
    client.force_login(derek)

    assert ">Record</a>" not in client.get(f"/plans/{plan.pk}/").content.decode()
    session_page = client.get(f"/sessions/{plan.sessions.get(number=1).pk}/").content.decode()
    assert f"The course starts on {starts:%d/%m/%Y}: its sessions can be recorded from that day." in session_page
    assert "Record the session" not in session_page
    assert ">Record</a>" in client.get(f"/plans/{make_plan(alice, derek).pk}/").content.decode()


def test_recall_by_the_start_of_a_lot_number_finds_no_lot(client, derek, alice, bob):
    record(make_plan(alice, derek).sessions.get(number=1), derek, lot_number="HA24-0917")
    record(make_plan(bob, derek).sessions.get(number=1), derek, lot_number="HA24-1002")
    client.force_login(derek)

    page = client.get("/lots/", {"q": "ha24"}).content.decode()

    assert "No recorded session used lot “ha24”." in page
    assert "HA24-1002</strong>" not in page


def test_a_warning_that_appears_after_planning_is_answered_on_the_session_page(client, derek, alice):
    plan = make_plan(alice, derek)
    record_condition(
        patient=alice,
        contraindication=Contraindication.objects.get(name="Keloid or hypertrophic scarring (self or family)"),
        recorded_by=derek,
    )
    session = plan.sessions.get(number=1)
    client.force_login(derek)
    form = client.get(f"/sessions/{session.pk}/").context["record"]
    data = {
        "done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "practitioner": str(derek.pk),
        "formulation": str(form.initial["formulation"].pk),
        "reactions": ["none"],
        "areas-TOTAL_FORMS": "1",
        "areas-INITIAL_FORMS": "1",
        "areas-0-area": str(TreatmentArea.objects.get(name=FACE).pk),
        "areas-0-volume_ml": "2",
        "areas-0-technique": "nappage",
        "lots-TOTAL_FORMS": "1",
        "lots-INITIAL_FORMS": "0",
        "lots-0-product": ProductFactory(name="HA vial").name,
        "lots-0-lot_number": "LOT-9",
        "lots-0-expiry_date": str(timezone.localdate() + timedelta(days=90)),
    }

    unanswered = client.post(f"/sessions/{session.pk}/", data)

    assert unanswered.status_code == 200
    assert "Record why it is safe to go ahead despite: Keloid" in unanswered.content.decode()
    session.refresh_from_db()
    assert session.status == TreatmentSession.Status.PLANNED

    answered = client.post(
        f"/sessions/{session.pk}/", {**data, "acknowledgement_reason": "Keloid on the chest only; face treated."}
    )

    assert answered.status_code == 302
    session.refresh_from_db()
    assert session.is_done
    assert plan.formulation.acknowledgements.get().reason == "Keloid on the chest only; face treated."
