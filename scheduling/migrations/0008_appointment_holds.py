"""Holds and the waitlist. A hold is an appointment in the proposed state, which occupies its
slot until `held_until` while a patient confirms it in the portal or answers a waitlist offer:
PostgreSQL's no-overlap constraints (0002) and the one-appointment-per-session constraint
take holds in. A waitlist entry waits for an earlier slot for a session; an offer holds a
freed slot for one patient."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from clinic.migration_operations import PostgreSQLOnly

WAS = "status IN ('booked', 'checked_in', 'done')"
NOW = "status IN ('proposed', 'booked', 'checked_in', 'done')"


def exclusion(column: str, where: str) -> str:
    name = f"appointment_{column.removesuffix('_id')}_no_overlap"
    return (
        f"ALTER TABLE scheduling_appointment DROP CONSTRAINT {name}; "
        f"ALTER TABLE scheduling_appointment ADD CONSTRAINT {name} "
        f"EXCLUDE USING gist ({column} WITH =, tstzrange(start, \"end\", '[)') WITH &&) WHERE ({where})"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0016_patient_self_booking"),
        ("scheduling", "0007_appointment_sequence"),
        ("treatments", "0031_ingredient_names_for_patients"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="WaitlistEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "weekdays",
                    models.JSONField(
                        blank=True, default=list, help_text="Empty: any day.", verbose_name="preferred days"
                    ),
                ),
                (
                    "time_of_day",
                    models.CharField(
                        blank=True,
                        choices=[("", "Any time"), ("morning", "Morning"), ("afternoon", "Afternoon")],
                        default="",
                        max_length=10,
                        verbose_name="preferred time",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("waiting", "Waiting"),
                            ("booked", "Booked from an offer"),
                            ("left", "Left the waitlist"),
                        ],
                        default="waiting",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("joined_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="joined at")),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="ended at")),
            ],
            options={
                "verbose_name": "waitlist entry",
                "verbose_name_plural": "waitlist",
                "ordering": ["joined_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="WaitlistOffer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("start", models.DateTimeField(verbose_name="start")),
                ("end", models.DateTimeField(verbose_name="end")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("offered", "Offered"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                            ("expired", "Expired"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="offered",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("offered_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="offered at")),
                ("expires_at", models.DateTimeField(verbose_name="expires at")),
                ("answered_at", models.DateTimeField(blank=True, null=True, verbose_name="answered at")),
            ],
            options={
                "verbose_name": "waitlist offer",
                "verbose_name_plural": "waitlist offers",
                "ordering": ["-offered_at", "-id"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="appointment",
            name="appointment_one_live_per_session",
        ),
        migrations.AddField(
            model_name="appointment",
            name="held_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="held until"),
        ),
        migrations.AddField(
            model_name="appointment",
            name="moves",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="move_holds",
                to="scheduling.appointment",
                verbose_name="moves",
            ),
        ),
        migrations.AddField(
            model_name="historicalappointment",
            name="held_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="held until"),
        ),
        migrations.AddField(
            model_name="historicalappointment",
            name="moves",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="scheduling.appointment",
                verbose_name="moves",
            ),
        ),
        migrations.AlterField(
            model_name="appointment",
            name="status",
            field=models.CharField(
                choices=[
                    ("proposed", "Held"),
                    ("booked", "Booked"),
                    ("checked_in", "Checked in"),
                    ("done", "Done"),
                    ("cancelled", "Cancelled"),
                    ("no_show", "No-show"),
                ],
                default="booked",
                max_length=12,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="historicalappointment",
            name="status",
            field=models.CharField(
                choices=[
                    ("proposed", "Held"),
                    ("booked", "Booked"),
                    ("checked_in", "Checked in"),
                    ("done", "Done"),
                    ("cancelled", "Cancelled"),
                    ("no_show", "No-show"),
                ],
                default="booked",
                max_length=12,
                verbose_name="status",
            ),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("session__isnull", False), ("status__in", ["proposed", "booked", "checked_in", "done"])
                ),
                fields=("session",),
                name="appointment_one_live_per_session",
            ),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("held_until__isnull", False), ("status", "proposed")),
                    models.Q(
                        models.Q(("status", "proposed"), _negated=True),
                        ("held_until__isnull", True),
                        ("moves__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="appointment_held_until_only_on_holds",
            ),
        ),
        migrations.AddField(
            model_name="waitlistentry",
            name="joined_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="added by",
            ),
        ),
        migrations.AddField(
            model_name="waitlistentry",
            name="patient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="waitlist",
                to="patients.patient",
                verbose_name="patient",
            ),
        ),
        migrations.AddField(
            model_name="waitlistentry",
            name="session",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="waitlist_entries",
                to="treatments.treatmentsession",
                verbose_name="session",
            ),
        ),
        migrations.AddField(
            model_name="waitlistoffer",
            name="entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="offers",
                to="scheduling.waitlistentry",
                verbose_name="waitlist entry",
            ),
        ),
        migrations.AddField(
            model_name="waitlistoffer",
            name="hold",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="waitlist_offers",
                to="scheduling.appointment",
                verbose_name="appointment",
            ),
        ),
        migrations.AddField(
            model_name="waitlistoffer",
            name="practitioner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="practitioner",
            ),
        ),
        migrations.AddConstraint(
            model_name="waitlistentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "waiting")), fields=("session",), name="waitlist_one_waiting_per_session"
            ),
        ),
        migrations.AddIndex(
            model_name="waitlistoffer",
            index=models.Index(fields=["status", "expires_at"], name="waitlist_offer_due_idx"),
        ),
        *(
            PostgreSQLOnly(exclusion(column, NOW), exclusion(column, WAS))
            for column in ("practitioner_id", "room_id", "patient_id")
        ),
    ]
