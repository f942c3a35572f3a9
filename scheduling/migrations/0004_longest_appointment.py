"""PostgreSQL refuses an appointment longer than an hour, the longest the booking form offers:
Appointment.objects.overlapping() looks back only that far from a moment. SQLite cannot add a
constraint to an existing table without rebuilding it; there clean() and booking.py, which
only book 30, 45 or 60 minutes, keep the rule."""

from django.db import migrations

from clinic.migration_operations import PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0003_history")]

    operations = [
        PostgreSQLOnly(
            "ALTER TABLE scheduling_appointment ADD CONSTRAINT appointment_at_most_an_hour "
            "CHECK (\"end\" <= start + interval '60 minutes')",
            "ALTER TABLE scheduling_appointment DROP CONSTRAINT appointment_at_most_an_hour",
        ),
    ]
