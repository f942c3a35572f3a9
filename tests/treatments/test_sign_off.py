"""The record names who performed the session and who entered it; one entered for another
practitioner is unsigned until that practitioner confirms it."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinic.roles import Role
from tests.factories import TreatmentPlanFactory, UserFactory, record_visit_of
from treatments.records import amend_session, sign_session

REASON = "The session was performed by a colleague, entered by mistake under my name."


@pytest.fixture
def emma(db):
    return UserFactory(username="emma", first_name="Emma", last_name="Roux", role=Role.DERMATOLOGIST)


def test_a_record_entered_by_its_practitioner_is_signed_at_once(derek):
    session = record_visit_of(TreatmentPlanFactory(created_by=derek).sessions.get(number=1), by=derek)
    assert session.signed_at == session.recorded_at
    assert not session.awaiting_signature


def test_a_record_entered_for_another_practitioner_waits_for_their_signature(client, derek, emma):
    plan = TreatmentPlanFactory(created_by=derek)
    session = record_visit_of(plan.sessions.get(number=1), by=derek, practitioner=emma)

    assert (session.practitioner, session.recorded_by, session.signed_at) == (emma, derek, None)
    client.force_login(derek)
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "unsigned" in page and "Confirm and sign" not in page
    assert "unsigned" in client.get(f"/plans/{plan.pk}/").content.decode()
    with pytest.raises(ValidationError, match="Only Emma Roux, who performed the session, can sign"):
        sign_session(session=session, signed_by=derek)

    client.force_login(emma)
    assert "Records awaiting your signature" in client.get("/today/").content.decode()
    assert client.post(f"/sessions/{session.pk}/sign/").status_code == 302

    session.refresh_from_db()
    assert session.signed_at is not None
    assert "Records awaiting your signature" not in client.get("/today/").content.decode()
    assert "unsigned" not in client.get(f"/sessions/{session.pk}/").content.decode()


def test_correcting_who_performed_the_session_asks_the_new_practitioner_to_sign(derek, emma):
    session = record_visit_of(TreatmentPlanFactory(created_by=derek).sessions.get(number=1), by=derek)

    amendment = amend_session(session=session, reason=REASON, amended_by=derek, practitioner=emma)

    session.refresh_from_db()
    assert session.practitioner == emma and session.signed_at is None
    assert amendment.changes["practitioner"] == [str(derek), str(emma)]
    sign_session(session=session, signed_by=emma)
    session.refresh_from_db()
    assert session.signed_at is not None


def test_a_correction_begun_before_another_one_is_refused_and_changes_nothing(client, derek):
    session = record_visit_of(TreatmentPlanFactory(created_by=derek).sessions.get(number=1), by=derek, notes="")
    amend_session(session=session, reason=REASON, amended_by=derek, notes="Bruise on the left cheek")
    client.force_login(derek)

    response = client.post(
        f"/sessions/{session.pk}/amend/",
        {
            "done_at": f"{timezone.localtime(session.done_at):%Y-%m-%dT%H:%M}",
            "practitioner": derek.pk,
            "reactions": ["none"],
            "reaction_notes": "",
            "notes": "Nothing to note",
            "reason": REASON,
            "amendments_seen": 0,
        },
    )

    assert response.status_code == 409
    assert "Someone corrected this record meanwhile" in response.content.decode()
    session.refresh_from_db()
    assert session.notes == "Bruise on the left cheek"
    assert session.amendments.count() == 1
