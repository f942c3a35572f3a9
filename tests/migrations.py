"""Helpers for tests that build a database as an earlier migration left it, then migrate it."""

from datetime import timedelta

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


def migrate(targets):
    """Migrate to `targets` (the latest of every other app) and give the models as they were there."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    moved = {app for app, _ in targets}
    allowed = {node for target in targets for node in graph.forwards_plan(target)}
    others = [latest_not_after(graph, leaf, moved, allowed) for leaf in graph.leaf_nodes() if leaf[0] not in moved]
    targets = [*targets, *others]
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state([t for t in targets if t[1]]).apps


def latest_not_after(graph, leaf, moved: set, allowed: set) -> tuple[str, str]:
    """The latest migration of `leaf`'s app that needs none of the moved apps' migrations past
    their targets: another app's migration built on a later one (consents on treatments) waits."""
    node = leaf
    while any(n[0] in moved and n not in allowed for n in graph.forwards_plan(node)):
        parents = [parent.key for parent in graph.node_map[node].parents if parent.key[0] == node[0]]
        if not parents:
            return (node[0], None)
        node = parents[0]
    return node


def just_before(migration: tuple[str, str]) -> tuple[str, str]:
    """The migration of the same app that `migration` follows, whatever its number once
    branches are merged."""
    graph = MigrationExecutor(connection).loader.graph
    return next(parent for parent in graph.node_map[migration].parents if parent.key[0] == migration[0]).key


def old_course(old, *, sessions_planned: int = 1):
    """A course started 20 days ago, made with the models `old` (from `migrate`): its doctor
    and cocktail, as the rows its sessions need."""
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
    return old.get_model("treatments", "TreatmentPlan").objects.create(
        patient=patient,
        prescriber=doctor,
        indication="rejuvenation",
        formulation=cocktail,
        sessions_planned=sessions_planned,
        interval_days=14,
        min_days=7,
        max_days=28,
        start_date=timezone.localdate() - timedelta(days=20),
        created_by=doctor,
    )
