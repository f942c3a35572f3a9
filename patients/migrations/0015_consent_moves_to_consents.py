# Patients keep no consent date: consents are signatures in the consents app, and consents 0003
# (run before this) made each date a paper signature of the treatment consent.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0014_labels_in_both_languages'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalpatient',
            name='consent_recorded_by',
        ),
        migrations.RemoveField(
            model_name='historicalpatient',
            name='consent_signed_on',
        ),
        migrations.RemoveField(
            model_name='patient',
            name='consent_recorded_by',
        ),
        migrations.RemoveField(
            model_name='patient',
            name='consent_signed_on',
        ),
    ]
