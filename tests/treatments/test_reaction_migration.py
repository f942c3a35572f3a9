"""A database made when a session had one reaction keeps it: treatments 0021 turns each
session's reaction, and each line of its history, into a list of one sign."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.migrations import just_before, migrate, old_course

REACTIONS = ("treatments", "0021_reactions_and_adverse_events")


# Serialized: the catalogue that migrations load comes back for the tests after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_single_reaction_becomes_a_list_of_one_sign_history_included():
    old = migrate([just_before(REACTIONS)])
    try:
        plan = old_course(old, sessions_planned=2)
        today = timezone.localdate()
        Session = old.get_model("treatments", "TreatmentSession")
        window = {"earliest_date": today, "latest_date": today, "target_date": today}
        swollen = Session.objects.create(
            plan=plan,
            number=1,
            status="done",
            done_at=timezone.now() - timedelta(days=20),
            practitioner_id=plan.prescriber_id,
            formulation_id=plan.formulation_id,
            reaction="swelling",
            **window,
        )
        planned = Session.objects.create(plan=plan, number=2, **window)
        old.get_model("treatments", "HistoricalTreatmentSession").objects.create(
            id=swollen.pk,
            plan=plan,
            number=1,
            status="done",
            reaction="swelling",
            history_date=timezone.now(),
            history_type="~",
            **window,
        )
    finally:
        new = migrate([])

    Session = new.get_model("treatments", "TreatmentSession")
    assert Session.objects.get(pk=swollen.pk).reactions == ["swelling"]
    assert Session.objects.get(pk=planned.pk).reactions == []
    history = new.get_model("treatments", "HistoricalTreatmentSession").objects.get(id=swollen.pk)
    assert history.reactions == ["swelling"]
