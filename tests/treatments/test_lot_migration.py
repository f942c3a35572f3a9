"""Lots recorded before the recall compared normalised numbers are found by it too:
treatments 0022 fills each recorded lot's normalised copy."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from clinic.roles import Role
from tests.factories import UserFactory

NORMALISED_LOTS = ("treatments", "0022_normalised_lots")


def migrate(targets):
    """Migrate to `targets` (the latest of every other app) and give the models as they were there."""
    executor = MigrationExecutor(connection)
    moved = {app for app, _ in targets}
    targets = [*targets, *(node for node in executor.loader.graph.leaf_nodes() if node[0] not in moved)]
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def just_before_normalised_lots():
    """The treatments migration 0022 follows, whatever its number once the branches are merged."""
    graph = MigrationExecutor(connection).loader.graph
    return next(parent for parent in graph.node_map[NORMALISED_LOTS].parents if parent.key[0] == "treatments").key


def recorded_session(old):
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
        sessions_planned=1,
        interval_days=14,
        min_days=7,
        max_days=28,
        start_date=today - timedelta(days=20),
        created_by=doctor,
    )
    return old.get_model("treatments", "TreatmentSession").objects.create(
        plan=plan,
        number=1,
        status="done",
        done_at=timezone.now() - timedelta(days=20),
        practitioner=doctor,
        formulation=cocktail,
        earliest_date=today,
        latest_date=today,
        target_date=today,
    )


# Serialized: the catalogue that migrations load comes back for the tests after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_lots_recorded_before_are_found_whatever_their_dashes(client):
    old = migrate([just_before_normalised_lots()])
    try:
        session = recorded_session(old)
        expiry = timezone.localdate() + timedelta(days=200)
        for product, lot_number in [("HA vial", "ha24 – 0917"), ("Other HA", "HA24-09170")]:
            old.get_model("treatments", "SessionLot").objects.create(
                session_id=session.pk, product=product, lot_number=lot_number, expiry_date=expiry
            )
    finally:
        migrate([])

    client.force_login(UserFactory(role=Role.DERMATOLOGIST))
    page = client.get("/lots/", {"q": "HA24-0917"})

    assert [(lot.product, lot.lot_number) for lot in page.context["lots"]] == [("HA vial", "ha24 – 0917")]
