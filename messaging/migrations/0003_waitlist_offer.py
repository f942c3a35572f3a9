"""The waitlist's offer of an earlier time, in English and French (scheduling/waitlist.py)."""

from django.db import migrations, models

from messaging.seeding import SeedTemplates

TEMPLATES = {
    "waitlist_offer": (
        'An earlier time for your session: {{ start|date:"l j F" }} at {{ start|time:"H:i" }}',
        """Hello {{ first_name }},

A time you were waiting for has become free for session {{ session_number }} of your course:

{{ start|date:"l j F Y" }}, {{ start|time:"H:i" }}–{{ end|time:"H:i" }}
With {{ practitioner }}, {{ room }}
{{ clinic_address }}

We keep it for you until {{ expires_at|time:"H:i" }} on {{ expires_at|date:"l j F" }}. To take it, or to let it go to someone else, open:
{{ offer_url }}

If you do nothing, it goes to the next patient waiting, and you stay on the waitlist.

{{ clinic_name }} · {{ clinic_phone }}
""",
        'Un horaire plus tôt pour votre séance : le {{ start|date:"l j F" }} à {{ start|time:"H:i" }}',
        """Bonjour {{ first_name }},

Un créneau que vous attendiez s’est libéré pour la séance {{ session_number }} de votre cure :

{{ start|date:"l j F Y" }}, de {{ start|time:"H:i" }} à {{ end|time:"H:i" }}
Avec {{ practitioner }}, {{ room }}
{{ clinic_address }}

Nous vous le gardons jusqu’à {{ expires_at|time:"H:i" }} le {{ expires_at|date:"l j F" }}. Pour le prendre, ou le laisser à quelqu’un d’autre, ouvrez :
{{ offer_url }}

Sans réponse de votre part, il sera proposé au patient suivant, et vous restez sur la liste d’attente.

{{ clinic_name }} · {{ clinic_phone }}
""",
    ),
}


class Migration(migrations.Migration):
    dependencies = [("messaging", "0002_seed_templates")]

    operations = [
        migrations.AlterField(
            model_name='historicalmessagetemplate',
            name='kind',
            field=models.CharField(choices=[('appointment_booked', 'Booking confirmation'), ('appointment_changed', 'Appointment changed'), ('appointment_cancelled', 'Appointment cancelled'), ('reminder', 'Reminder two days before'), ('reminder_evening', 'Reminder the evening before'), ('aftercare_ready', 'Aftercare sheet ready'), ('staff_patient_cancelled', 'Staff: a patient cancelled online'), ('staff_patient_booked', 'Staff: a patient booked online'), ('staff_patient_moved', 'Staff: a patient moved an appointment online'), ('waitlist_offer', 'Waitlist: an earlier time is offered')], db_index=True, max_length=40, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='messagetemplate',
            name='kind',
            field=models.CharField(choices=[('appointment_booked', 'Booking confirmation'), ('appointment_changed', 'Appointment changed'), ('appointment_cancelled', 'Appointment cancelled'), ('reminder', 'Reminder two days before'), ('reminder_evening', 'Reminder the evening before'), ('aftercare_ready', 'Aftercare sheet ready'), ('staff_patient_cancelled', 'Staff: a patient cancelled online'), ('staff_patient_booked', 'Staff: a patient booked online'), ('staff_patient_moved', 'Staff: a patient moved an appointment online'), ('waitlist_offer', 'Waitlist: an earlier time is offered')], max_length=40, unique=True, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='kind',
            field=models.CharField(choices=[('appointment_booked', 'Booking confirmation'), ('appointment_changed', 'Appointment changed'), ('appointment_cancelled', 'Appointment cancelled'), ('reminder', 'Reminder two days before'), ('reminder_evening', 'Reminder the evening before'), ('aftercare_ready', 'Aftercare sheet ready'), ('staff_patient_cancelled', 'Staff: a patient cancelled online'), ('staff_patient_booked', 'Staff: a patient booked online'), ('staff_patient_moved', 'Staff: a patient moved an appointment online'), ('waitlist_offer', 'Waitlist: an earlier time is offered')], max_length=40, verbose_name='kind'),
        ),
        SeedTemplates(TEMPLATES),
    ]
