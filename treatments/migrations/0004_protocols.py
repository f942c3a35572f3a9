"""The suggested course defaults of shared/domain/protocols.md (all clinic choice)."""

from django.db import migrations

# name, indication, sessions, interval, min, max, maintenance interval, maintenance count, areas, notes
PROTOCOLS = [
    (
        "Skin rejuvenation",
        "rejuvenation",
        4,
        14,
        7,
        28,
        182,
        1,
        ["Face"],
        "Sources report 3–6 sessions, weekly to every 3 weeks; maintenance every 6–12 months.",
    ),
    (
        "Hair loss",
        "hair_loss",
        8,
        14,
        7,
        28,
        91,
        1,
        ["Scalp"],
        "Sources report 4–12 sessions, weekly to 2-weekly, then monthly; maintenance every 3–4 months.",
    ),
    (
        "Melasma (tranexamic acid cocktail)",
        "pigmentation",
        6,
        14,
        14,
        28,
        None,
        0,
        ["Face"],
        "No maintenance established: review 3 months after the course for relapse.",
    ),
    (
        "Dark circles",
        "dark_circles",
        5,
        7,
        7,
        14,
        None,
        0,
        ["Periorbital"],
        "Weekly sessions in the sources; no maintenance found.",
    ),
    (
        "Body / cellulite",
        "body",
        10,
        7,
        7,
        21,
        30,
        2,
        ["Abdomen", "Thighs"],
        "Weekly or 2-weekly; maintenance monthly or 2–4 a year. One controlled study found no measurable change.",
    ),
]


def load_protocols(apps, schema_editor):
    Protocol = apps.get_model("treatments", "Protocol")
    TreatmentArea = apps.get_model("treatments", "TreatmentArea")
    for name, indication, sessions, interval, least, most, m_interval, m_count, areas, notes in PROTOCOLS:
        protocol, created = Protocol.objects.get_or_create(
            name=name,
            defaults={
                "indication": indication,
                "sessions": sessions,
                "interval_days": interval,
                "min_days": least,
                "max_days": most,
                "maintenance_interval_days": m_interval,
                "maintenance_count": m_count,
                "notes": notes,
            },
        )
        if created:
            protocol.default_areas.set(TreatmentArea.objects.filter(name__in=areas))


class Migration(migrations.Migration):
    dependencies = [("treatments", "0003_courses")]

    operations = [migrations.RunPython(load_protocols, migrations.RunPython.noop)]
