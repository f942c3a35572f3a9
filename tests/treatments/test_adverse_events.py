"""Adverse events as the dermatologist records and follows them: their own record, added
after a session at any time, never written over the session's immediate reaction."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.factories import TreatmentPlanFactory, record_visit_of
from treatments import adverse_events, records
from treatments.models import AdverseEvent, TreatmentSession


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def session(alice, derek, time_machine):
    """Alice's first session, given ten days ago with some redness."""
    given = timezone.make_aware(datetime.combine(days_ago(10), time(10)))
    now = timezone.now()
    time_machine.move_to(given)
    plan = TreatmentPlanFactory(patient=alice, created_by=derek)
    # Time stands still from here: a test that runs across midnight compares with one "today".
    time_machine.move_to(now, tick=False)
    return record_visit_of(
        plan.sessions.get(number=1), by=derek, done_at=given, reactions=[TreatmentSession.Reaction.REDNESS]
    )


def event_form(**changes) -> dict:
    data = {
        "onset_date": str(days_ago(8)),
        "type": AdverseEvent.Type.NODULES,
        "severity": AdverseEvent.Severity.MODERATE,
        "description": "Two firm nodules under the left cheekbone",
        "treatment_given": "Massage; review in a fortnight",
        "outcome": AdverseEvent.Outcome.ONGOING,
        "follow_up_date": str(days_ago(-6)),
        "reported_to_vigilance": "",
        "vigilance_reference": "",
    }
    return data | changes


def test_a_dermatologist_records_an_event_from_the_session_page(client, derek, alice, session):
    client.force_login(derek)
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert f'href="/sessions/{session.pk}/adverse-events/new/"' in page

    response = client.post(f"/sessions/{session.pk}/adverse-events/new/", event_form())

    assert response.status_code == 302
    event = AdverseEvent.objects.get()
    assert (event.session, event.type, event.severity, event.recorded_by) == (
        session,
        AdverseEvent.Type.NODULES,
        AdverseEvent.Severity.MODERATE,
        derek,
    )
    assert event.onset_date == days_ago(8)
    session.refresh_from_db()
    assert session.reactions == [TreatmentSession.Reaction.REDNESS]  # the immediate reaction stays as recorded
    assert "Nodules or granuloma" in client.get(f"/sessions/{session.pk}/").content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"onset_date": str(days_ago(11))},
            "onset_date",
            f"The onset cannot be before the session ({days_ago(10):%d/%m/%Y}).",
        ),
        ({"onset_date": str(days_ago(-1))}, "onset_date", "The onset cannot be in the future."),
        ({"follow_up_date": str(days_ago(9))}, "follow_up_date", "The follow-up cannot be before the onset."),
        (
            {"reported_to_vigilance": "on", "vigilance_reference": "  "},
            "vigilance_reference",
            "Give the reference of the report to the vigilance authority.",
        ),
        ({"onset_date": "2026-02-30"}, "onset_date", "Enter a valid date."),
        ({"type": "burn"}, "type", "Select a valid choice. burn is not one of the available choices."),
    ],
)
def test_wrong_dates_and_a_report_without_reference_are_refused_by_their_field(
    client, derek, session, changes, field, message
):
    client.force_login(derek)

    response = client.post(f"/sessions/{session.pk}/adverse-events/new/", event_form(**changes))

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert not AdverseEvent.objects.exists()


def test_a_reported_event_keeps_its_vigilance_reference(client, derek, session):
    client.force_login(derek)

    client.post(
        f"/sessions/{session.pk}/adverse-events/new/",
        event_form(reported_to_vigilance="on", vigilance_reference=" ANSM-2026-0412 "),
    )

    assert AdverseEvent.objects.get().vigilance_reference == "ANSM-2026-0412"


def test_open_events_are_listed_for_dermatologists_until_they_resolve(client, derek, alice, session):
    event = adverse_events.record_adverse_event(
        session=session, onset_date=days_ago(8), type="infection", severity="severe", recorded_by=derek
    )
    client.force_login(derek)
    listed = client.get("/adverse-events/")
    assert list(listed.context["events"]) == [event]
    assert alice.full_name in listed.content.decode()

    followed = client.post(
        f"/adverse-events/{event.pk}/",
        {
            "severity": "severe",
            "treatment_given": "Oral antibiotics for a week",
            "outcome": AdverseEvent.Outcome.RESOLVED,
            "follow_up_date": str(days_ago(1)),
            "reported_to_vigilance": "",
            "vigilance_reference": "",
        },
    )

    assert followed.status_code == 302
    event.refresh_from_db()
    assert (event.outcome, event.follow_up_date, event.treatment_given) == (
        AdverseEvent.Outcome.RESOLVED,
        days_ago(1),
        "Oral antibiotics for a week",
    )
    assert list(client.get("/adverse-events/").context["events"]) == []
    # What it said before stays in its history.
    assert [record.outcome for record in event.history.order_by("history_date")] == ["ongoing", "resolved"]


def test_a_follow_up_before_the_onset_is_refused_by_its_field(client, derek, session):
    event = adverse_events.record_adverse_event(
        session=session, onset_date=days_ago(8), type="bruising", severity="mild", recorded_by=derek
    )
    client.force_login(derek)

    response = client.post(
        f"/adverse-events/{event.pk}/",
        {"severity": "mild", "outcome": "improving", "follow_up_date": str(days_ago(9))},
    )

    assert response.status_code == 200
    assert "The follow-up cannot be before the onset." in response.context["form"].errors["follow_up_date"]
    event.refresh_from_db()
    assert (event.outcome, event.follow_up_date) == (AdverseEvent.Outcome.ONGOING, None)


def test_a_session_not_yet_given_takes_no_adverse_event(client, derek, session):
    later = session.plan.sessions.get(number=2)
    client.force_login(derek)

    response = client.post(f"/sessions/{later.pk}/adverse-events/new/", event_form(), follow=True)

    assert "Only a recorded session can have adverse events" in response.content.decode()
    assert not AdverseEvent.objects.exists()


def test_only_dermatologists_reach_adverse_events(client, derek, charlie, alice, session):
    event = adverse_events.record_adverse_event(
        session=session, onset_date=days_ago(8), type="bruising", severity="mild", recorded_by=derek
    )
    pages = ["/adverse-events/", f"/adverse-events/{event.pk}/", f"/sessions/{session.pk}/adverse-events/new/"]

    for page in pages:
        assert client.get(page).status_code == 302  # to the sign-in page
    for someone in (charlie, alice.portal_user):
        client.force_login(someone)
        for page in pages:
            assert client.get(page).status_code == 403
        assert client.post(pages[2], event_form()).status_code == 403
    client.force_login(derek)
    assert client.get("/adverse-events/999999/").status_code == 404
    assert client.post("/adverse-events/").status_code == 405
    assert AdverseEvent.objects.count() == 1


def test_an_event_is_still_followed_up_after_its_sessions_date_is_corrected(client, derek, session):
    event = adverse_events.record_adverse_event(
        session=session, onset_date=days_ago(8), type="bruising", severity="mild", recorded_by=derek
    )
    given_later = timezone.make_aware(datetime.combine(days_ago(6), time(10)))
    records.amend_session(session=session, reason="The day was typed wrong", amended_by=derek, done_at=given_later)
    client.force_login(derek)

    response = client.post(f"/adverse-events/{event.pk}/", {"severity": "mild", "outcome": "resolved"})

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.outcome == AdverseEvent.Outcome.RESOLVED
