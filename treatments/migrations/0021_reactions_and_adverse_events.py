"""A session's immediate reaction holds several signs at once (redness and swelling): the
single value becomes a one-sign list, in the sessions and in their history, so the history
reads the same before and after. Suspected allergies and adverse events are new records."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def reaction_becomes_a_list(apps, schema_editor):
    for model_name in ("TreatmentSession", "HistoricalTreatmentSession"):
        model = apps.get_model("treatments", model_name)
        for reaction in model.objects.exclude(reaction="").values_list("reaction", flat=True).distinct():
            model.objects.filter(reaction=reaction).update(reactions=[reaction])


def reactions_become_one(apps, schema_editor):
    # Going back keeps the first sign: the old column holds only one.
    for model_name in ("TreatmentSession", "HistoricalTreatmentSession"):
        model = apps.get_model("treatments", model_name)
        for row in model.objects.only("pk", "reactions").iterator():
            if row.reactions:
                model.objects.filter(pk=row.pk).update(reaction=row.reactions[0][:10])


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0010_phone_digits'),
        ('treatments', '0020_clinical_defaults_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaltreatmentsession',
            name='reactions',
            field=models.JSONField(blank=True, default=list, verbose_name='immediate reaction'),
        ),
        migrations.AddField(
            model_name='treatmentsession',
            name='reactions',
            field=models.JSONField(blank=True, default=list, verbose_name='immediate reaction'),
        ),
        migrations.RunPython(reaction_becomes_a_list, reactions_become_one, elidable=False),
        migrations.RemoveField(
            model_name='historicaltreatmentsession',
            name='reaction',
        ),
        migrations.RemoveField(
            model_name='treatmentsession',
            name='reaction',
        ),
        migrations.CreateModel(
            name='HistoricalAdverseEvent',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('onset_date', models.DateField(verbose_name='onset')),
                ('type', models.CharField(choices=[('bruising', 'Bruising or haematoma'), ('swelling', 'Lasting swelling or pain'), ('infection', 'Infection'), ('nodules', 'Nodules or granuloma'), ('pigmentation', 'Change of skin colour'), ('allergy', 'Allergic reaction'), ('vascular', 'Blocked blood flow or skin necrosis'), ('other', 'Other')], max_length=20, verbose_name='type')),
                ('severity', models.CharField(choices=[('mild', 'Mild'), ('moderate', 'Moderate'), ('severe', 'Severe')], max_length=10, verbose_name='severity')),
                ('description', models.TextField(blank=True, max_length=2000, verbose_name='what was seen')),
                ('treatment_given', models.TextField(blank=True, max_length=2000, verbose_name='treatment given')),
                ('outcome', models.CharField(choices=[('ongoing', 'Ongoing'), ('improving', 'Improving'), ('resolved', 'Resolved'), ('sequelae', 'Resolved with after-effects')], default='ongoing', max_length=10, verbose_name='outcome')),
                ('follow_up_date', models.DateField(blank=True, null=True, verbose_name='follow-up')),
                ('reported_to_vigilance', models.BooleanField(default=False, verbose_name='reported to the vigilance authority')),
                ('vigilance_reference', models.CharField(blank=True, max_length=80, verbose_name='vigilance report reference')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('session', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='treatments.treatmentsession')),
            ],
            options={
                'verbose_name': 'historical adverse event',
                'verbose_name_plural': 'historical adverse events',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSuspectedAllergy',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', "Awaiting a dermatologist's decision"), ('confirmed', 'Confirmed'), ('dismissed', 'Dismissed')], default='pending', max_length=10)),
                ('suspected_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('dismissal_reason', models.CharField(blank=True, max_length=500, verbose_name='why it is not an allergy')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('decided_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('patient', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='patients.patient')),
                ('session', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='treatments.treatmentsession')),
            ],
            options={
                'verbose_name': 'historical suspected allergy',
                'verbose_name_plural': 'historical suspected allergies',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='AdverseEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('onset_date', models.DateField(verbose_name='onset')),
                ('type', models.CharField(choices=[('bruising', 'Bruising or haematoma'), ('swelling', 'Lasting swelling or pain'), ('infection', 'Infection'), ('nodules', 'Nodules or granuloma'), ('pigmentation', 'Change of skin colour'), ('allergy', 'Allergic reaction'), ('vascular', 'Blocked blood flow or skin necrosis'), ('other', 'Other')], max_length=20, verbose_name='type')),
                ('severity', models.CharField(choices=[('mild', 'Mild'), ('moderate', 'Moderate'), ('severe', 'Severe')], max_length=10, verbose_name='severity')),
                ('description', models.TextField(blank=True, max_length=2000, verbose_name='what was seen')),
                ('treatment_given', models.TextField(blank=True, max_length=2000, verbose_name='treatment given')),
                ('outcome', models.CharField(choices=[('ongoing', 'Ongoing'), ('improving', 'Improving'), ('resolved', 'Resolved'), ('sequelae', 'Resolved with after-effects')], default='ongoing', max_length=10, verbose_name='outcome')),
                ('follow_up_date', models.DateField(blank=True, null=True, verbose_name='follow-up')),
                ('reported_to_vigilance', models.BooleanField(default=False, verbose_name='reported to the vigilance authority')),
                ('vigilance_reference', models.CharField(blank=True, max_length=80, verbose_name='vigilance report reference')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='adverse_events', to='treatments.treatmentsession')),
            ],
            options={
                'ordering': ['-onset_date', '-created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('reported_to_vigilance', False), models.Q(('vigilance_reference', ''), _negated=True), _connector='OR'), name='adverse_event_report_has_reference'), models.CheckConstraint(condition=models.Q(('follow_up_date__isnull', True), ('follow_up_date__gte', models.F('onset_date')), _connector='OR'), name='adverse_event_follow_up_after_onset')],
            },
        ),
        migrations.CreateModel(
            name='SuspectedAllergy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', "Awaiting a dermatologist's decision"), ('confirmed', 'Confirmed'), ('dismissed', 'Dismissed')], default='pending', max_length=10)),
                ('suspected_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('dismissal_reason', models.CharField(blank=True, max_length=500, verbose_name='why it is not an allergy')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('ingredients', models.ManyToManyField(related_name='+', to='treatments.ingredient')),
                ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patients.patient')),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='suspected_allergies', to='treatments.treatmentsession')),
            ],
            options={
                'verbose_name_plural': 'suspected allergies',
                'ordering': ['-suspected_at'],
                'constraints': [models.UniqueConstraint(fields=('session',), name='one_suspected_allergy_per_session'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'dismissed'), _negated=True), models.Q(('dismissal_reason', ''), _negated=True), _connector='OR'), name='suspected_allergy_dismissed_with_reason')],
            },
        ),
    ]
