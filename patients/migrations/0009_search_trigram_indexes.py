"""On PostgreSQL, trigram indexes answer the registry's search by part of a name or email
(`LIKE '%…%'`) without reading every patient. SQLite has no such index; there the search
reads the table, which stays fast at a single clinic's size (docs/performance.md)."""

from django.db import migrations

from clinic.migration_operations import PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [("patients", "0008_patient_updated_idx")]

    operations = [
        PostgreSQLOnly("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        PostgreSQLOnly(
            "CREATE INDEX patient_name_key_trgm ON patients_patient USING gin (name_key gin_trgm_ops)",
            "DROP INDEX patient_name_key_trgm",
        ),
        # Django's icontains compares UPPER(email::text); the index is on the same expression.
        PostgreSQLOnly(
            "CREATE INDEX patient_email_trgm ON patients_patient USING gin (UPPER(email::text) gin_trgm_ops)",
            "DROP INDEX patient_email_trgm",
        ),
    ]
