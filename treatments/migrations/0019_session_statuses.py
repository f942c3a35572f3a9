"""A session can be skipped, with the reason on it (the database refuses a skip without one),
and a stopped course can be resumed, with the day and the reason. "Missed" already existed;
its label does not change."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('treatments', '0018_aftercare_safety'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaltreatmentplan',
            name='resume_reason',
            field=models.CharField(blank=True, max_length=300, verbose_name='why the course was resumed'),
        ),
        migrations.AddField(
            model_name='historicaltreatmentplan',
            name='resumed_on',
            field=models.DateField(blank=True, null=True, verbose_name='resumed on'),
        ),
        migrations.AddField(
            model_name='historicaltreatmentsession',
            name='skip_reason',
            field=models.CharField(blank=True, max_length=300, verbose_name='why the session is skipped'),
        ),
        migrations.AddField(
            model_name='treatmentplan',
            name='resume_reason',
            field=models.CharField(blank=True, max_length=300, verbose_name='why the course was resumed'),
        ),
        migrations.AddField(
            model_name='treatmentplan',
            name='resumed_on',
            field=models.DateField(blank=True, null=True, verbose_name='resumed on'),
        ),
        migrations.AddField(
            model_name='treatmentsession',
            name='skip_reason',
            field=models.CharField(blank=True, max_length=300, verbose_name='why the session is skipped'),
        ),
        migrations.AlterField(
            model_name='historicaltreatmentsession',
            name='status',
            field=models.CharField(choices=[('planned', 'Planned'), ('booked', 'Booked'), ('done', 'Done'), ('cancelled', 'Cancelled'), ('missed', 'Missed'), ('skipped', 'Skipped')], default='planned', max_length=10),
        ),
        migrations.AlterField(
            model_name='treatmentsession',
            name='status',
            field=models.CharField(choices=[('planned', 'Planned'), ('booked', 'Booked'), ('done', 'Done'), ('cancelled', 'Cancelled'), ('missed', 'Missed'), ('skipped', 'Skipped')], default='planned', max_length=10),
        ),
        migrations.AddConstraint(
            model_name='treatmentsession',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'skipped'), _negated=True), models.Q(('skip_reason', ''), _negated=True), _connector='OR'), name='session_skipped_with_reason'),
        ),
    ]
