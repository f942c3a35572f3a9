"""Migration operations shared by the apps."""

from django.db import migrations
from django.utils import timezone


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on other databases, like Django's BtreeGistExtension."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class StartHistory(migrations.RunPython):
    """Give every existing row of `models` a first history record, so that the first change
    made afterwards shows what it changed from (the admin's history compares each record
    with the one before it)."""

    def __init__(self, app_label: str, *models: str) -> None:
        def start(apps, schema_editor) -> None:
            now = timezone.now()
            for name in models:
                model = apps.get_model(app_label, name)
                history = apps.get_model(app_label, f"Historical{name}")
                columns = [field.attname for field in model._meta.concrete_fields]
                history.objects.bulk_create(
                    history(
                        **{column: getattr(row, column) for column in columns},
                        history_date=now,
                        history_type="+",
                        history_change_reason="As it stood when its history began",
                    )
                    for row in model.objects.all()
                )

        super().__init__(start, migrations.RunPython.noop)
