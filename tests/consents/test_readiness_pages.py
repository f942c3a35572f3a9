"""What the pages say of the gate: recording refuses and names what is missing, a paper consent
lets the same recording through; planning, booking, the appointment and /today/ warn, with the
tablet's button for the desk; the dermatologist reviews the questionnaire's answers."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from consents import intake, signing
from consents.models import ConsentForm, IntakeProposal
from tests.factories import (
    AppointmentFactory,
    IntakeResponseFactory,
    ProductFactory,
    TreatmentPlanFactory,
    UserFactory,
    make_ready,
)
from treatments.models import TreatmentArea, TreatmentSession

pytestmark = pytest.mark.django_db

CONSENT_MISSING = "Consent to treatment not signed: Mesotherapy treatment"
INTAKE_MISSING = "Medical questionnaire not answered in the last 12 months"


@pytest.fixture
def course(alice, derek):
    """Alice's course, planned today, with nothing signed nor answered."""
    return TreatmentPlanFactory(patient=alice, created_by=derek, ready=False)


def record_data(client, session, derek) -> dict:
    form = client.get(f"/sessions/{session.pk}/").context["record"]
    return {
        "done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "practitioner": str(derek.pk),
        "formulation": str(form.initial["formulation"].pk),
        "reactions": ["none"],
        "areas-TOTAL_FORMS": "1",
        "areas-INITIAL_FORMS": "1",
        "areas-0-area": str(TreatmentArea.objects.get(name="Face").pk),
        "areas-0-volume_ml": "2",
        "areas-0-technique": "nappage",
        "lots-TOTAL_FORMS": "1",
        "lots-INITIAL_FORMS": "0",
        "lots-0-product": ProductFactory(name="HA vial").name,
        "lots-0-lot_number": "LOT-7",
        "lots-0-expiry_date": str(timezone.localdate() + timedelta(days=90)),
    }


def test_recording_is_refused_without_consent_and_goes_through_once_a_paper_one_is_recorded(
    client, alice, derek, charlie, course
):
    IntakeResponseFactory(patient=alice)
    session = course.sessions.get(number=1)
    client.force_login(derek)
    data = record_data(client, session, derek)

    refused = client.post(f"/sessions/{session.pk}/", data)

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Nothing was recorded." in page
    assert f"This session cannot be recorded yet: {CONSENT_MISSING}." in page
    session.refresh_from_db()
    assert session.status == TreatmentSession.Status.PLANNED

    signing.record_paper(
        patient=alice,
        form=ConsentForm.objects.get(name="Mesotherapy treatment"),
        signed_on=timezone.localdate(),
        recorded_by=charlie,
    )
    accepted = client.post(f"/sessions/{session.pk}/", data)

    assert accepted.status_code == 302
    session.refresh_from_db()
    assert session.status == TreatmentSession.Status.DONE


def test_the_recording_page_says_beforehand_what_is_missing(client, derek, course):
    client.force_login(derek)

    page = client.get(f"/sessions/{course.sessions.get(number=1).pk}/").content.decode()

    assert CONSENT_MISSING in page
    assert INTAKE_MISSING in page


def test_the_course_page_warns_after_planning(client, derek, course):
    client.force_login(derek)

    page = client.get(f"/plans/{course.pk}/").content.decode()

    assert "Before session 1:" in page
    assert "consent to sign" in page and "questionnaire to answer" in page


def test_the_course_page_says_nothing_once_the_patient_is_ready(client, derek, course):
    make_ready(course, on=timezone.localdate())
    client.force_login(derek)

    page = client.get(f"/plans/{course.pk}/").content.decode()

    assert "Before session 1:" not in page


def test_booking_warns_and_never_refuses(client, charlie, alice, course):
    client.force_login(charlie)

    form = client.get("/appointments/new/", {"patient": alice.pk}).content.decode()
    course_booking = client.get(f"/plans/{course.pk}/book/").content.decode()

    assert "Before session 1:" in form and "consent to sign" in form
    assert "consent to sign" in course_booking and "questionnaire to answer" in course_booking


@pytest.fixture
def visit_today(alice, derek, charlie, course):
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time(10)))
    return AppointmentFactory(
        patient=alice,
        practitioner=derek,
        session=course.sessions.get(number=1),
        start=start,
        end=start + timedelta(minutes=30),
        booked_by=charlie,
    )


def test_the_desk_sees_what_to_sign_today_with_the_tablets_button(client, charlie, alice, visit_today):
    client.force_login(charlie)

    page = client.get("/today/").content.decode()

    assert "consent to sign" in page and "questionnaire to answer" in page
    assert '<form method="post" action="/kiosk/open/"' in page
    assert f'name="patient" value="{alice.pk}"' in page


def test_the_appointment_page_shows_the_desk_what_to_sign_at_check_in(client, charlie, alice, visit_today):
    client.force_login(charlie)

    page = client.get(f"/appointments/{visit_today.pk}/").content.decode()

    assert "Before session 1:" in page
    assert CONSENT_MISSING in page and INTAKE_MISSING in page
    assert f'name="patient" value="{alice.pk}"' in page


def test_a_ready_patient_has_no_badge_today(client, charlie, course, visit_today):
    make_ready(course, on=timezone.localdate())
    client.force_login(charlie)

    page = client.get("/today/").content.decode()

    assert "consent to sign" not in page and "/kiosk/open/" not in page


def answered(patient, **said):
    data = {q.key: "no" for q in intake.QUESTIONS if q.yes_no} | said
    return intake.answer(
        patient=patient, kind="full", answers=data, channel="portal", recorded_by=patient.portal_user, language="en"
    )


def test_the_dermatologist_reviews_the_answers_from_the_chart(client, derek, bob):
    answered(bob, herpes="yes", allergies="yes", allergies_detail="Zinc")
    client.force_login(derek)

    chart = client.get(f"/patients/{bob.pk}/").content.decode()
    assert "2 answers to review" in chart
    assert f'href="/patients/{bob.pk}/questionnaire/"' in chart

    review = client.get(f"/patients/{bob.pk}/questionnaire/").content.decode()
    assert "Cold sores (herpes)" in review
    assert "The patient wrote: “Zinc”" in review


def test_accepting_on_the_page_puts_the_answer_in_the_chart(client, derek, bob):
    answered(bob, herpes="yes")
    proposal = IntakeProposal.objects.get()
    client.force_login(derek)

    response = client.post(
        f"/intake-proposals/{proposal.pk}/accept/", {"contraindication": proposal.contraindication_id}
    )

    assert response.status_code == 302
    chart = client.get(f"/patients/{bob.pk}/").content.decode()
    assert "History of herpes (cold sores) at the site" in chart


def test_a_second_decision_is_told_who_decided_first(client, derek, bob):
    emma = UserFactory(username="emma", first_name="Emma", last_name="Stone", role="dermatologist")
    answered(bob, herpes="yes")
    proposal = IntakeProposal.objects.get()
    intake.dismiss(proposal=proposal, by=emma, note="Asked him: a single cold sore as a child.")
    client.force_login(derek)

    late = client.post(f"/intake-proposals/{proposal.pk}/accept/", {"contraindication": proposal.contraindication_id})

    assert late.status_code == 409
    assert "Emma Stone already decided this answer (dismissed)." in late.content.decode()


def test_dismissing_without_a_sentence_is_refused_by_the_field(client, derek, bob):
    answered(bob, herpes="yes")
    proposal = IntakeProposal.objects.get()
    client.force_login(derek)

    refused = client.post(f"/intake-proposals/{proposal.pk}/dismiss/", {"note": "no"})

    assert refused.status_code == 400
    assert "in a sentence (at least 3 words)" in refused.content.decode()
    assert IntakeProposal.objects.get().status == "pending"


def test_the_front_desk_never_sees_the_answers(client, charlie, bob):
    answered(bob, herpes="yes")
    proposal = IntakeProposal.objects.get()
    client.force_login(charlie)

    assert client.get(f"/patients/{bob.pk}/questionnaire/").status_code == 403
    assert client.post(f"/intake-proposals/{proposal.pk}/accept/").status_code == 403
    chart = client.get(f"/patients/{bob.pk}/").content.decode()
    assert "answers to review" not in chart and "questionnaire/" not in chart


def test_the_review_pages_refuse_what_is_not_there(client, derek, bob):
    client.force_login(derek)

    assert client.post("/intake-proposals/999999/accept/").status_code == 404
    assert client.get(f"/intake-proposals/{1}/accept/").status_code == 405


@pytest.mark.parametrize("answers", [1, 5])
def test_the_review_page_queries_stay_flat(client, derek, bob, django_assert_max_num_queries, answers):
    for _ in range(answers):
        answered(bob, herpes="yes", keloids="yes", allergies="yes", allergies_detail="Zinc")
    client.force_login(derek)

    # session, user, groups, patient, proposals with their answers, condition and who decided,
    # the clinic's conditions (the accept forms' choices, read once), the answers listed
    with django_assert_max_num_queries(7):
        response = client.get(f"/patients/{bob.pk}/questionnaire/")

    assert response.status_code == 200
    assert len(response.context["pending"]) == 3 * answers
