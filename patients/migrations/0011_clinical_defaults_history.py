"""History for the clinical defaults (Contraindication): who changed what and when, from a first record of each row as it stood."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from clinic.migration_operations import StartHistory


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0010_phone_digits'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalContraindication',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=160)),
                ('level', models.CharField(choices=[('block', 'Block'), ('warn', 'Warn')], max_length=5)),
                ('waiting_days', models.PositiveIntegerField(default=0, help_text='Days after the condition ends during which it still calls for a warning.')),
                ('detection', models.CharField(blank=True, choices=[('', "Recorded on the patient's profile"), ('under_18', 'Automatic: patient under 18'), ('skin_type_iv_vi', 'Automatic: Fitzpatrick skin type IV to VI')], default='', max_length=20)),
                ('advice', models.TextField(blank=True, help_text='What the dermatologist should know or do; shown with the finding.')),
                ('source', models.TextField(blank=True)),
                ('active', models.BooleanField(default=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical contraindication',
                'verbose_name_plural': 'historical contraindications',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        StartHistory("patients", "Contraindication"),
    ]
