"""PostgreSQL refuses overlapping live appointments itself: per practitioner, per room and
per patient. SQLite has no exclusion constraints; there booking.py checks and inserts inside
one write-locked transaction (BEGIN IMMEDIATE), so two bookings cannot interleave."""

from django.db import migrations

from clinic.migration_operations import PostgreSQLOnly

LIVE = "status IN ('booked', 'checked_in', 'done')"


def exclusion(column: str) -> tuple[str, str]:
    name = f"appointment_{column.removesuffix('_id')}_no_overlap"
    add = (
        f"ALTER TABLE scheduling_appointment ADD CONSTRAINT {name} "
        f"EXCLUDE USING gist ({column} WITH =, tstzrange(start, \"end\", '[)') WITH &&) WHERE ({LIVE})"
    )
    drop = f"ALTER TABLE scheduling_appointment DROP CONSTRAINT {name}"
    return add, drop


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [
        PostgreSQLOnly("CREATE EXTENSION IF NOT EXISTS btree_gist", migrations.RunSQL.noop),
        *(PostgreSQLOnly(*exclusion(column)) for column in ("practitioner_id", "room_id", "patient_id")),
    ]
