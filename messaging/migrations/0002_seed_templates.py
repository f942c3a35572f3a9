"""The clinic's message templates, in English and French, each with the start of its history.
The manager edits them in the admin (Message templates)."""

from django.db import migrations

from messaging.seeding import SeedTemplates

WHEN = '{{ start|date:"l j F Y" }}, {{ start|time:"H:i" }}–{{ end|time:"H:i" }}'
QUAND = '{{ start|date:"l j F Y" }}, de {{ start|time:"H:i" }} à {{ end|time:"H:i" }}'

TEMPLATES = {
    "appointment_booked": (
        'Your appointment on {{ start|date:"l j F" }} at {{ start|time:"H:i" }}',
        f"""Hello {{{{ first_name }}}},

Your appointment at {{{{ clinic_name }}}} is booked:

{WHEN}
With {{{{ practitioner }}}}, {{{{ room }}}}
{{{{ clinic_address }}}}

The invitation attached adds it to your calendar.

To move or cancel it, use your patient portal ({{{{ portal_url }}}}) or call us on {{{{ clinic_phone }}}}.

See you soon,
{{{{ clinic_name }}}}
""",
        'Votre rendez-vous du {{ start|date:"l j F" }} à {{ start|time:"H:i" }}',
        f"""Bonjour {{{{ first_name }}}},

Votre rendez-vous chez {{{{ clinic_name }}}} est confirmé :

{QUAND}
Avec {{{{ practitioner }}}}, {{{{ room }}}}
{{{{ clinic_address }}}}

L’invitation jointe l’ajoute à votre agenda.

Pour le déplacer ou l’annuler, rendez-vous sur votre espace patient ({{{{ portal_url }}}}) ou appelez-nous au {{{{ clinic_phone }}}}.

À bientôt,
{{{{ clinic_name }}}}
""",
    ),
    "appointment_changed": (
        'Your appointment has changed: {{ start|date:"l j F" }} at {{ start|time:"H:i" }}',
        f"""Hello {{{{ first_name }}}},

Your appointment planned for {{{{ previous_start|date:"l j F Y" }}}} at {{{{ previous_start|time:"H:i" }}}} has changed. It is now:

{WHEN}
With {{{{ practitioner }}}}, {{{{ room }}}}
{{{{ clinic_address }}}}

The invitation attached updates your calendar.

To move or cancel it, use your patient portal ({{{{ portal_url }}}}) or call us on {{{{ clinic_phone }}}}.

{{{{ clinic_name }}}}
""",
        'Votre rendez-vous a changé : le {{ start|date:"l j F" }} à {{ start|time:"H:i" }}',
        f"""Bonjour {{{{ first_name }}}},

Votre rendez-vous prévu le {{{{ previous_start|date:"l j F Y" }}}} à {{{{ previous_start|time:"H:i" }}}} a été modifié. Le voici désormais :

{QUAND}
Avec {{{{ practitioner }}}}, {{{{ room }}}}
{{{{ clinic_address }}}}

L’invitation jointe met à jour votre agenda.

Pour le déplacer ou l’annuler, rendez-vous sur votre espace patient ({{{{ portal_url }}}}) ou appelez-nous au {{{{ clinic_phone }}}}.

{{{{ clinic_name }}}}
""",
    ),
    "appointment_cancelled": (
        'Your appointment on {{ start|date:"l j F" }} is cancelled',
        """Hello {{ first_name }},

Your appointment on {{ start|date:"l j F Y" }} at {{ start|time:"H:i" }} with {{ practitioner }} is cancelled.{% if reason %}
Reason: {{ reason }}{% endif %}

To make a new appointment, call us on {{ clinic_phone }}. Your appointments are in your patient portal ({{ portal_url }}).

{{ clinic_name }}
""",
        'Votre rendez-vous du {{ start|date:"l j F" }} est annulé',
        """Bonjour {{ first_name }},

Votre rendez-vous du {{ start|date:"l j F Y" }} à {{ start|time:"H:i" }} avec {{ practitioner }} est annulé.{% if reason %}
Motif : {{ reason }}{% endif %}

Pour prendre un nouveau rendez-vous, appelez-nous au {{ clinic_phone }}. Vos rendez-vous sont sur votre espace patient ({{ portal_url }}).

{{ clinic_name }}
""",
    ),
    "reminder": (
        'Reminder: your appointment on {{ start|date:"l j F" }} at {{ start|time:"H:i" }}',
        f"""Hello {{{{ first_name }}}},

A reminder of your appointment at {{{{ clinic_name }}}}:

{WHEN}
With {{{{ practitioner }}}}, {{{{ room }}}}
{{{{ clinic_address }}}}

If you cannot come, please move or cancel it in your patient portal ({{{{ portal_url }}}}) or call us on {{{{ clinic_phone }}}}, so that another patient can have the time.

{{{{ clinic_name }}}}
""",
        'Rappel : votre rendez-vous du {{ start|date:"l j F" }} à {{ start|time:"H:i" }}',
        f"""Bonjour {{{{ first_name }}}},

Nous vous rappelons votre rendez-vous chez {{{{ clinic_name }}}} :

{QUAND}
Avec {{{{ practitioner }}}}, {{{{ room }}}}
{{{{ clinic_address }}}}

Si vous ne pouvez pas venir, merci de le déplacer ou de l’annuler sur votre espace patient ({{{{ portal_url }}}}) ou de nous appeler au {{{{ clinic_phone }}}}, afin qu’un autre patient puisse en profiter.

{{{{ clinic_name }}}}
""",
    ),
    "reminder_evening": (
        'Tomorrow at {{ start|time:"H:i" }}: your appointment at {{ clinic_name }}',
        """Hello {{ first_name }},

We look forward to seeing you tomorrow, {{ start|date:"l j F" }}, at {{ start|time:"H:i" }}, with {{ practitioner }} ({{ room }}).
{{ clinic_address }}

If you cannot come, please tell us in your patient portal ({{ portal_url }}) or on {{ clinic_phone }}.

{{ clinic_name }}
""",
        'Demain à {{ start|time:"H:i" }} : votre rendez-vous chez {{ clinic_name }}',
        """Bonjour {{ first_name }},

Nous vous attendons demain, {{ start|date:"l j F" }}, à {{ start|time:"H:i" }}, avec {{ practitioner }} ({{ room }}).
{{ clinic_address }}

Si vous ne pouvez pas venir, prévenez-nous sur votre espace patient ({{ portal_url }}) ou au {{ clinic_phone }}.

{{ clinic_name }}
""",
    ),
    "aftercare_ready": (
        "Your aftercare sheet is in your patient portal",
        """Hello {{ first_name }},

The aftercare sheet for your session {{ session_number }} is ready in your patient portal:
{{ portal_url }}

If anything worries you after the session, call us on {{ clinic_phone }}.

{{ clinic_name }}
""",
        "Votre fiche de conseils est sur votre espace patient",
        """Bonjour {{ first_name }},

La fiche de conseils après votre séance n° {{ session_number }} est disponible sur votre espace patient :
{{ portal_url }}

Si quelque chose vous inquiète après la séance, appelez-nous au {{ clinic_phone }}.

{{ clinic_name }}
""",
    ),
    "staff_patient_cancelled": (
        '{{ patient_name }} cancelled {{ start|date:"l j F" }} at {{ start|time:"H:i" }}',
        """Hello {{ staff_first_name }},

{{ patient_name }} cancelled their appointment online:
{{ start|date:"l j F Y" }}, {{ start|time:"H:i" }}, with {{ practitioner }}.

The time is free again.
{{ link }}
""",
        '{{ patient_name }} a annulé le rendez-vous du {{ start|date:"l j F" }} à {{ start|time:"H:i" }}',
        """Bonjour {{ staff_first_name }},

{{ patient_name }} a annulé en ligne son rendez-vous :
{{ start|date:"l j F Y" }}, {{ start|time:"H:i" }}, avec {{ practitioner }}.

Le créneau est de nouveau libre.
{{ link }}
""",
    ),
    "staff_patient_booked": (
        '{{ patient_name }} booked {{ start|date:"l j F" }} at {{ start|time:"H:i" }}',
        """Hello {{ staff_first_name }},

{{ patient_name }} booked an appointment online:
{{ start|date:"l j F Y" }}, {{ start|time:"H:i" }}, with {{ practitioner }}.
{{ link }}
""",
        '{{ patient_name }} a pris rendez-vous le {{ start|date:"l j F" }} à {{ start|time:"H:i" }}',
        """Bonjour {{ staff_first_name }},

{{ patient_name }} a pris rendez-vous en ligne :
{{ start|date:"l j F Y" }}, {{ start|time:"H:i" }}, avec {{ practitioner }}.
{{ link }}
""",
    ),
    "staff_patient_moved": (
        '{{ patient_name }} moved their appointment to {{ start|date:"l j F" }} at {{ start|time:"H:i" }}',
        """Hello {{ staff_first_name }},

{{ patient_name }} moved their appointment online. It is now:
{{ start|date:"l j F Y" }}, {{ start|time:"H:i" }}, with {{ practitioner }}.
{{ link }}
""",
        '{{ patient_name }} a déplacé son rendez-vous au {{ start|date:"l j F" }} à {{ start|time:"H:i" }}',
        """Bonjour {{ staff_first_name }},

{{ patient_name }} a déplacé son rendez-vous en ligne. Le voici désormais :
{{ start|date:"l j F Y" }}, {{ start|time:"H:i" }}, avec {{ practitioner }}.
{{ link }}
""",
    ),
}


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [SeedTemplates(TEMPLATES)]
