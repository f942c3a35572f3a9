"""A database made when a session had one reaction keeps it: treatments 0021 turns each
session's reaction, and each line of its history, into a list of one sign."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

REACTIONS = ("treatments", "0021_reactions_and_adverse_events")


def migrate(targets):
    """Migrate to `targets` (the latest of every other app) and give the models as they were there."""
    executor = MigrationExecutor(connection)
    moved = {app for app, _ in targets}
    targets = [*targets, *(node for node in executor.loader.graph.leaf_nodes() if node[0] not in moved)]
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def just_before_reactions():
    """The treatments migration 0021 follows, whatever its number once the branches are merged."""
    graph = MigrationExecutor(connection).loader.graph
    return next(parent for parent in graph.node_map[REACTIONS].parents if parent.key[0] == "treatments").key


# Serialized: the catalogue that migrations load comes back for the tests after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_single_reaction_becomes_a_list_of_one_sign_history_included():
    old = migrate([just_before_reactions()])
    try:
        doctor = old.get_model("clinic", "User").objects.create(username="dr.before")
        patient = old.get_model("patients", "Patient").objects.create(
            first_name="Ana",
            last_name="Before",
            date_of_birth="1980-01-01",
            sex="female",
            name_key="before ana",
            phone_digits="",
        )
        cocktail = old.get_model("treatments", "Formulation").objects.create(
            name="Zinc", indication="rejuvenation", patient=patient, total_volume_ml=2, created_by=doctor
        )
        today = timezone.localdate()
        plan = old.get_model("treatments", "TreatmentPlan").objects.create(
            patient=patient,
            prescriber=doctor,
            indication="rejuvenation",
            formulation=cocktail,
            sessions_planned=2,
            interval_days=14,
            min_days=7,
            max_days=28,
            start_date=today - timedelta(days=20),
            created_by=doctor,
        )
        Session = old.get_model("treatments", "TreatmentSession")
        window = {"earliest_date": today, "latest_date": today, "target_date": today}
        swollen = Session.objects.create(
            plan=plan,
            number=1,
            status="done",
            done_at=timezone.now() - timedelta(days=20),
            practitioner=doctor,
            formulation=cocktail,
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
