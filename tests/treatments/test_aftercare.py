"""Aftercare sheets as the patient reads them, the morning batch, and the portal's documents."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from clinic.models import ClinicPolicy
from scheduling.models import Appointment
from tests.factories import (
    AppointmentFactory,
    FormulationFactory,
    PatientFactory,
    RoomFactory,
    UserFactory,
    record_visit_of,
)
from tests.treatments.cocktail_forms import VITAMIN_C, ZINC
from treatments import plans
from treatments.models import AftercareTopic, DocumentHandover, TreatmentArea, TreatmentSession


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def course(patient, derek, area="Face", sessions=3, ingredients=(VITAMIN_C, ZINC)):
    cocktail = FormulationFactory(patient=patient, created_by=derek, ingredients=ingredients, total_volume_ml=3)
    treated = TreatmentArea.objects.get(name=area)
    return plans.create_plan(
        patient=patient,
        formulation=cocktail,
        areas=[plans.AreaVolume(treated, min(treated.typical_volume_ml, Decimal(2)))],
        start_date=timezone.localdate(),
        sessions_planned=sessions,
        interval_days=14,
        min_days=7,
        max_days=28,
        created_by=derek,
    )


def done(session, derek):
    return record_visit_of(session, by=derek, lot_number="LOT-7")


def book(session, derek, days_ahead):
    start = (timezone.localtime() + timedelta(days=days_ahead)).replace(hour=10, minute=0, second=0, microsecond=0)
    return AppointmentFactory(
        patient=session.plan.patient,
        practitioner=derek,
        room=RoomFactory(name="Room 1"),
        start=start,
        session=session,
        booked_by=derek,
    )


def test_aftercare_pdf_tells_the_patient_what_to_expect_and_when_to_call(client, derek, alice):
    plan = course(alice, derek)
    first = done(plan.sessions.get(number=1), derek)
    visit = book(plan.sessions.get(number=2), derek, days_ahead=14)
    client.force_login(alice.portal_user)

    text = pdf_text(client.get(f"/sessions/{first.pk}/aftercare.pdf"))

    assert "Alice Archer" in text
    assert "session 1 of 3" in text
    assert "Redness" in text and "Swelling" in text
    assert "Treated: Face (2 mL)" in text
    assert "Vitamin C (ascorbic acid) 3 %" in text  # the cocktail in plain words, at its typical amount
    assert "When to call the clinic" in text and "fever" in text
    assert timezone.localtime(visit.start).strftime("%-d %B %Y at 10:00") in text
    assert "lot LOT-7" in text


def test_an_area_note_appears_only_for_that_area(client, derek, alice, bob):
    scalp = done(course(alice, derek, area="Scalp").sessions.get(number=1), derek)
    face = done(course(bob, derek, area="Face").sessions.get(number=1), derek)
    client.force_login(derek)
    assert "Do not wash your hair" in pdf_text(client.get(f"/sessions/{scalp.pk}/aftercare.pdf"))
    assert "Do not wash your hair" not in pdf_text(client.get(f"/sessions/{face.pk}/aftercare.pdf"))


def test_an_edited_topic_changes_the_next_sheet(client, derek, alice):
    session = done(course(alice, derek).sessions.get(number=1), derek)
    AftercareTopic.objects.filter(title="No make-up on the treated skin").update(duration="36 hours")
    client.force_login(derek)
    assert "No make-up on the treated skin: 36 hours" in pdf_text(client.get(f"/sessions/{session.pk}/aftercare.pdf"))


def test_a_session_to_come_gets_the_before_your_session_sheet(client, derek, alice):
    session = course(alice, derek).sessions.get(number=1)
    client.force_login(derek)
    text = pdf_text(client.get(f"/sessions/{session.pk}/aftercare.pdf"))
    assert "Before your mesotherapy session" in text
    assert "No alcohol (24 hours before)" in text


def test_a_cancelled_session_has_a_clear_page_instead_of_a_sheet(client, derek, alice):
    plan = course(alice, derek)
    plans.stop_plan(plan=plan, reason="Moved away", stopped_by=derek)
    session = plan.sessions.get(number=1)
    client.force_login(derek)
    response = client.get(f"/sessions/{session.pk}/aftercare.pdf")
    assert response.status_code == 200
    assert "No aftercare sheet for this session" in response.content.decode()


def test_patients_reach_only_their_own_sheets(client, derek, alice, bob):
    alices = done(course(alice, derek).sessions.get(number=1), derek)
    client.force_login(bob.portal_user)
    assert client.get(f"/sessions/{alices.pk}/aftercare.pdf").status_code == 404
    assert client.get("/sessions/not-a-uuid/aftercare.pdf").status_code == 404
    assert client.get(f"/sessions/{alices.pk}/aftercare/").status_code == 403  # the preview is for staff


def test_downloads_and_paper_handovers_are_recorded_and_shown(client, derek, charlie, alice):
    session = done(course(alice, derek).sessions.get(number=1), derek)
    client.force_login(alice.portal_user)
    client.get(f"/sessions/{session.pk}/aftercare.pdf", REMOTE_ADDR="192.0.2.7")
    client.force_login(charlie)
    client.post(f"/sessions/{session.pk}/handed-over/")

    handovers = list(DocumentHandover.objects.order_by("at").values_list("by__username", "channel", "ip_address"))
    assert handovers[0] == ("alice", "download", "192.0.2.7")
    assert handovers[1][:2] == ("charlie", "paper")
    client.force_login(derek)
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "Downloaded" in page and "Handed over on paper" in page


def test_the_morning_batch_has_one_sheet_per_session_today(client, derek, charlie):
    patients = [PatientFactory(first_name=name, last_name="Today") for name in ("Ana", "Bea", "Cid")]
    for index, patient in enumerate(patients):
        session = course(patient, derek).sessions.get(number=1)
        start = timezone.localtime().replace(hour=9 + index, minute=0, second=0, microsecond=0)
        AppointmentFactory(
            patient=patient,
            practitioner=derek,
            room=RoomFactory(name=f"Room {index}"),
            start=start,
            session=session,
            booked_by=charlie,
        )
    client.force_login(charlie)
    response = client.get("/today/print/")
    assert response["Content-Type"] == "application/pdf"
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    # One sheet each, in appointment order, each starting on a new page under the letterhead;
    # not recorded yet, each is the before-your-session version.
    first_pages = [page for page in pages if "Telephone 01 23 45 67 89" in page]
    assert [name for page in first_pages for name in ("Ana", "Bea", "Cid") if f"{name} Today" in page] == [
        "Ana",
        "Bea",
        "Cid",
    ]
    assert all("Before your mesotherapy session" in page for page in first_pages)


def test_the_portal_lists_only_the_patients_own_documents(client, derek, alice, bob):
    alices = done(course(alice, derek).sessions.get(number=1), derek)
    bobs = done(course(bob, derek).sessions.get(number=1), derek)
    third = PatientFactory(portal_user=UserFactory(username="carol", role="patient"))
    client.force_login(alice.portal_user)
    page = client.get("/portal/").content.decode()
    assert f"/sessions/{alices.pk}/aftercare.pdf" in page
    assert f"/plans/{alices.plan.pk}/plan.pdf" in page
    assert f"/sessions/{bobs.pk}/" not in page
    client.force_login(third.portal_user)
    page = client.get("/portal/").content.decode()
    assert "aftercare.pdf" not in page and "plan.pdf" not in page


@pytest.mark.parametrize("sessions", [1, 20])
def test_portal_queries_stay_flat(client, derek, alice, django_assert_max_num_queries, sessions):
    plan = course(alice, derek, sessions=sessions)
    TreatmentSession.objects.filter(plan=plan).update(
        status=TreatmentSession.Status.DONE, done_at=timezone.now(), practitioner=derek, formulation=plan.formulation
    )
    client.force_login(alice.portal_user)
    ClinicPolicy.current()  # the clinic's row, made on first use
    # session, user, groups, patient, appointments, plans, done sessions with their plans; the
    # consent card and the documents: the forms to sign for the next session and the signatures;
    # what to book online: the clinic's policy and the courses' next sessions (none here).
    with django_assert_max_num_queries(16):
        response = client.get("/portal/")
    assert response.content.decode().count("aftercare.pdf") == sessions


def test_the_printed_plan_gives_a_booked_sessions_day_and_time(client, derek, alice):
    plan = course(alice, derek)
    done(plan.sessions.get(number=1), derek)
    visit = book(plan.sessions.get(number=2), derek, days_ahead=14)
    client.force_login(alice.portal_user)
    text = pdf_text(client.get(f"/plans/{plan.pk}/plan.pdf"))
    assert timezone.localtime(visit.start).strftime("%-d %B %Y at 10:00") in text


def test_print_today_gives_a_dermatologist_only_their_own_patients(client, derek, alice, bob):
    other = UserFactory(username="dora", role="dermatologist")
    for patient, practitioner, hour in ((alice, derek, 9), (bob, other, 10)):
        session = course(patient, derek).sessions.get(number=1)
        start = timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)
        AppointmentFactory(
            patient=patient,
            practitioner=practitioner,
            room=RoomFactory(name=f"Room {hour}"),
            start=start,
            session=session,
            booked_by=derek,
        )
    client.force_login(derek)
    text = pdf_text(client.get("/today/print/"))
    assert "Alice Archer" in text
    assert "Bob Baker" not in text


def test_recording_a_session_marks_that_days_appointment_done(derek, alice):
    plan = course(alice, derek)
    visit = book(plan.sessions.get(number=1), derek, days_ahead=0)

    done(plan.sessions.get(number=1), derek)

    visit.refresh_from_db()
    assert visit.status == Appointment.Status.DONE
    assert [change.description for change in visit.changes.all()] == ["Done: the session was recorded"]


def test_recording_a_session_early_cancels_its_later_appointment_so_the_patient_does_not_come_back(
    client, derek, alice
):
    plan = course(alice, derek)
    later = book(plan.sessions.get(number=1), derek, days_ahead=3)

    done(plan.sessions.get(number=1), derek)

    later.refresh_from_db()
    assert later.status == Appointment.Status.CANCELLED
    assert later.cancellation_reason == f"The session was recorded on {timezone.localdate():%d/%m/%Y}"
    client.force_login(alice.portal_user)
    assert f"{timezone.localtime(later.start):%H:%M}" not in client.get("/portal/").content.decode()
