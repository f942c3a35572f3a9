"""What the chart shows of what followed the patient's sessions: their reactions, an allergy a
severe reaction makes suspected, and adverse events, to dermatologists only."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.factories import TreatmentPlanFactory, record_visit_of
from treatments import adverse_events, safety
from treatments.models import SuspectedAllergy, TreatmentSession


@pytest.fixture
def given(alice, derek, time_machine):
    """Alice's first session, given a week ago: redness and urticaria."""
    at = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=7), time(10)))
    now = timezone.now()
    time_machine.move_to(at)
    plan = TreatmentPlanFactory(patient=alice, created_by=derek)
    time_machine.move_to(now)
    reactions = [TreatmentSession.Reaction.REDNESS, TreatmentSession.Reaction.URTICARIA]
    return record_visit_of(plan.sessions.get(number=1), by=derek, done_at=at, reactions=reactions)


def test_the_chart_shows_the_suspected_allergy_until_a_dermatologist_decides(client, derek, alice, given):
    suspicion = SuspectedAllergy.objects.get()
    client.force_login(derek)

    chart = client.get(f"/patients/{alice.pk}/").content.decode()
    assert "Suspected:</strong> Zinc — Redness, Urticaria (hives) at session 1" in chart
    assert f'href="/suspected-allergies/{suspicion.pk}/"' in chart

    safety.dismiss_suspected_allergy(
        suspicion=suspicion, reason="The hives came from a new soap, not the cocktail.", decided_by=derek
    )
    assert "Suspected:" not in client.get(f"/patients/{alice.pk}/").content.decode()


def test_the_chart_lists_adverse_events_and_leads_to_recording_one(client, derek, alice, given):
    onset = timezone.localdate() - timedelta(days=5)
    event = adverse_events.record_adverse_event(
        session=given, onset_date=onset, type="bruising", severity="mild", recorded_by=derek
    )
    client.force_login(derek)

    chart = client.get(f"/patients/{alice.pk}/").content.decode()

    assert f'<a href="/adverse-events/{event.pk}/">Bruising or haematoma</a>' in chart
    assert f'href="/sessions/{given.pk}/adverse-events/new/"' in chart
    assert "Session 1: Done · Redness, Urticaria (hives)" in chart


def test_the_front_desk_sees_no_reaction_suspicion_or_event_on_the_chart(client, charlie, derek, alice, given):
    adverse_events.record_adverse_event(
        session=given, onset_date=timezone.localdate(), type="bruising", severity="mild", recorded_by=derek
    )
    client.force_login(charlie)

    chart = client.get(f"/patients/{alice.pk}/").content.decode()

    for clinical in ("Urticaria", "Suspected", "Bruising", "Adverse events"):
        assert clinical not in chart
