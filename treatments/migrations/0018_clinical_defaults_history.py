"""History for the clinical defaults (AftercareTopic, Ingredient, Protocol, TreatmentArea): who changed what and when, from a first record of each row as it stood."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from clinic.migration_operations import StartHistory


class Migration(migrations.Migration):

    dependencies = [
        ('treatments', '0015_acknowledgements_per_course'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalAftercareTopic',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('effect', 'What you may notice'), ('instruction', 'What to avoid'), ('warning', 'When to call the clinic'), ('before', 'Before your session')], max_length=12)),
                ('title', models.CharField(help_text='e.g. Redness, No make-up.', max_length=120)),
                ('duration', models.CharField(blank=True, help_text='e.g. a day or two; 24 hours.', max_length=120)),
                ('advice', models.TextField(blank=True, help_text='What to do, in plain words.')),
                ('position', models.PositiveSmallIntegerField(default=0, help_text='Order on the sheet.')),
                ('active', models.BooleanField(default=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('area', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='treatments.treatmentarea')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('ingredient', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='treatments.ingredient')),
            ],
            options={
                'verbose_name': 'historical aftercare topic',
                'verbose_name_plural': 'historical aftercare topics',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalIngredient',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=120)),
                ('category', models.CharField(choices=[('vitamin', 'Vitamin'), ('mineral', 'Mineral / trace element'), ('amino_acid', 'Amino acid'), ('hyaluronic_acid', 'Hyaluronic acid'), ('other', 'Other')], max_length=20)),
                ('unit', models.CharField(choices=[('mg', 'mg'), ('µg', 'µg'), ('mL', 'mL'), ('IU', 'IU'), ('%', '% (w/v)'), ('mg/mL', 'mg/mL')], help_text='Unit of the amounts below and of cocktails.', max_length=6)),
                ('typical_amount', models.DecimalField(blank=True, decimal_places=3, help_text='Usual amount per session, in the unit.', max_digits=10, null=True)),
                ('max_amount', models.DecimalField(blank=True, decimal_places=3, help_text='Cocktails above this amount per session are refused. Leave empty when no limit is on record.', max_digits=10, null=True)),
                ('notes', models.TextField(blank=True, help_text='Shown to dermatologists when composing a cocktail.')),
                ('active', models.BooleanField(default=True, help_text='Inactive ingredients cannot be added to new cocktails.')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical ingredient',
                'verbose_name_plural': 'historical ingredients',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalProtocol',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=120)),
                ('indication', models.CharField(choices=[('rejuvenation', 'Skin rejuvenation'), ('hair_loss', 'Hair loss'), ('pigmentation', 'Pigmentation / melasma'), ('dark_circles', 'Dark circles'), ('body', 'Body / cellulite'), ('other', 'Other')], max_length=20)),
                ('sessions', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(52)])),
                ('interval_days', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(3), django.core.validators.MaxValueValidator(365, 'At most 365 days.')])),
                ('min_days', models.PositiveSmallIntegerField(help_text='Closer sessions warn.', validators=[django.core.validators.MinValueValidator(3), django.core.validators.MaxValueValidator(365, 'At most 365 days.')], verbose_name='minimum days between sessions')),
                ('max_days', models.PositiveSmallIntegerField(validators=[django.core.validators.MaxValueValidator(365, 'At most 365 days.')], verbose_name='maximum days between sessions')),
                ('maintenance_interval_days', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(7, 'Maintenance sessions must be at least 7 days apart.'), django.core.validators.MaxValueValidator(730, 'At most 730 days.')])),
                ('maintenance_count', models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(12)])),
                ('notes', models.TextField(blank=True)),
                ('active', models.BooleanField(default=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('default_formulation', models.ForeignKey(blank=True, db_constraint=False, help_text='The clinic template a new plan starts from.', limit_choices_to={'patient__isnull': True}, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='treatments.formulation')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical protocol',
                'verbose_name_plural': 'historical protocols',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalTreatmentArea',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=80)),
                ('default_minutes', models.PositiveSmallIntegerField(help_text='Slot length the booking suggests.', validators=[django.core.validators.MinValueValidator(15), django.core.validators.MaxValueValidator(60)])),
                ('typical_volume_ml', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.1')), django.core.validators.MaxValueValidator(Decimal('20'))], verbose_name='typical volume per session (mL)')),
                ('technique', models.CharField(choices=[('nappage', 'Nappage'), ('papule', 'Papule'), ('point_by_point', 'Point by point'), ('deep', 'Deep (body fat)')], max_length=20)),
                ('depth_mm', models.DecimalField(decimal_places=1, max_digits=4, verbose_name='depth (mm)')),
                ('needle', models.CharField(help_text='Gauge and length, e.g. 30 G 4 mm.', max_length=40)),
                ('aftercare_notes', models.TextField(blank=True, help_text="Printed on this area's aftercare sheets.")),
                ('active', models.BooleanField(default=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical treatment area',
                'verbose_name_plural': 'historical treatment areas',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        StartHistory("treatments", "AftercareTopic", "Ingredient", "Protocol", "TreatmentArea"),
    ]
