"""What the patient reads: the warning signs of blocked blood flow, notes for hyaluronic acid
and tranexamic acid, and no contradictions between the seeded topics and area notes.

Topics a sheet prints one per title, the longest-holding one (treatments.documents); this
migration gives each seeded instruction a single duration, rewrites the area notes that
repeated or contradicted an instruction, and leaves the make-up topics off the areas where
no one wears make-up. Only rows still as seeded are changed: what the clinic edited stays.
New topics are added unless the clinic already has one of that kind and title.

Sources (the texts are plain-language summaries, clinic choice for the wording):
- Murray G, Convery C, Walker L, Davies E. Guideline for the management of hyaluronic acid
  filler-induced vascular occlusion (CMAC). J Clin Aesthet Dermatol 2021;14(5):E61–E69:
  pain out of proportion, blanching (white), livedo (mottled) and dusky blue-grey skin are
  the signs of a blocked vessel; it needs treating within hours, hyaluronic acid can be
  dissolved (hyaluronidase); any visual disturbance is an emergency; patients leave with
  aftercare and a number to reach the clinic at any hour.
- King M, Walker L, Convery C, Davies E. Management of a vascular occlusion associated with
  cosmetic injections. J Clin Aesthet Dermatol 2020;13(1):E53–E58.
- Tyndall effect of misplaced hyaluronic acid: shared/domain/catalog.md [18].
- Tranexamic acid: https://www.dermnetnz.org/topics/tranexamic-acid (shared/domain/catalog.md
  [10]); the summary of product characteristics (e.g. https://www.medicines.org.uk/emc/product/11979/smpc):
  thrombosis risk, with combined hormonal contraceptives too; visual disturbance.
- Instructions and their durations: shared/domain/aftercare.md (defaults column).
"""

from django.db import migrations, models

NO_MAKE_UP_AREAS = ["Scalp", "Hands", "Abdomen", "Thighs"]
MAKE_UP_TOPICS = [("instruction", "No make-up on the treated skin"), ("before", "Come without make-up on the area")]

# kind, title, area or None: (seeded duration, seeded advice) -> (duration, advice)
SINGLE_DURATIONS = [
    (
        ("instruction", "No sun or sunbed", None),
        ("48 hours, then sunscreen SPF 30+ for a week", "Keep out of the sun until any bruise has faded."),
        ("48 hours", "Keep out of the sun until any bruise has faded, then use sunscreen SPF 30+ on it for a week."),
    ),
    (
        ("instruction", "No sport or heavy sweating", "Abdomen"),
        ("2 to 3 days", "Wear loose clothing over the area."),
        ("3 days", "Wear loose clothing over the area."),
    ),
    (
        ("instruction", "No sport or heavy sweating", "Thighs"),
        ("2 to 3 days", "Wear loose clothing over the area."),
        ("3 days", "Wear loose clothing over the area."),
    ),
]

# area: (seeded note, note that neither repeats nor contradicts a topic)
AREA_NOTES = {
    # Both said again what a topic says ("Small bumps…", "Swelling and bruising around the eyes").
    "Face": ("Small bumps at the injection points usually settle within a day.", ""),
    "Periorbital": (
        "The skin around the eyes is thin: swelling and bruising there can last longer, "
        "often a few days. Sleep with your head slightly raised the first night; a cold compress helps.",
        "",
    ),
    "Décolletage": (
        "Protect the treated skin from the sun: cover it or use a high-factor sunscreen from the next day.",
        "This skin is often in the sun: keep it covered outdoors.",
    ),
    "Scalp": (
        "Do not wash your hair, or use hair products, for 24 hours. Avoid hats that press on the scalp for a day.",
        "Avoid hats that press on the scalp for a day.",
    ),
}

HYALURONIC_ACID = "Hyaluronic acid, non-cross-linked"
BLOCKED_BLOOD_FLOW = "Skin that turns white, grey, blue or mottled, or pain far stronger than expected"
TRANEXAMIC_ACID = "Tranexamic acid"

# kind, title, duration, advice, area names, ingredient name, position
NEW_TOPICS = [
    (
        "warning",
        BLOCKED_BLOOD_FLOW,
        "",
        "Call the clinic at once, day or night: a blood vessel may be blocked, and it must be treated within hours.",
        [],
        None,
        0,
    ),
    (
        "warning",
        "Any change in your vision (blurred, dark patches, loss of sight) or pain in an eye",
        "",
        "Emergency: call 15 (or 112) at once, then the clinic.",
        ["Face", "Periorbital"],
        None,
        1,
    ),
    (
        # The same title as the line above: on a sheet it replaces that line when the cocktail contains hyaluronic acid.
        "warning",
        BLOCKED_BLOOD_FLOW,
        "",
        "Call the clinic at once, day or night: the hyaluronic acid may be blocking a blood vessel; it can be dissolved, "
        "and the sooner the better.",
        [],
        HYALURONIC_ACID,
        0,
    ),
    (
        "effect",
        "Small raised bumps where the hyaluronic acid was placed",
        "a few days",
        "Normal. If a bump or a bluish tinge is still there after two weeks, call us: it can be dissolved.",
        [],
        HYALURONIC_ACID,
        40,
    ),
    (
        "warning",
        "With tranexamic acid: pain or swelling in one leg, sudden breathlessness or chest pain",
        "",
        "Emergency: call 15 (or 112). Tranexamic acid helps blood clot; a clot is very unlikely at the doses "
        "injected into the skin, but these signs cannot wait.",
        [],
        TRANEXAMIC_ACID,
        3,
    ),
    (
        "before",
        "Tell us if you take the pill or a hormone treatment, or have ever had a blood clot",
        "",
        "Your cocktail contains tranexamic acid, which helps blood clot.",
        [],
        TRANEXAMIC_ACID,
        40,
    ),
]


def update(apps, schema_editor):
    AftercareTopic = apps.get_model("treatments", "AftercareTopic")
    TreatmentArea = apps.get_model("treatments", "TreatmentArea")
    Ingredient = apps.get_model("treatments", "Ingredient")
    areas = {area.name: area for area in TreatmentArea.objects.all()}

    for (kind, title, area), (duration, advice), (single, new_advice) in SINGLE_DURATIONS:
        AftercareTopic.objects.filter(
            kind=kind, title=title, area=areas.get(area), ingredient=None, duration=duration, advice=advice
        ).update(duration=single, advice=new_advice)

    for name, (seeded, aligned) in AREA_NOTES.items():
        TreatmentArea.objects.filter(name=name, aftercare_notes=seeded).update(aftercare_notes=aligned)

    no_make_up = [areas[name] for name in NO_MAKE_UP_AREAS if name in areas]
    for kind, title in MAKE_UP_TOPICS:
        for topic in AftercareTopic.objects.filter(kind=kind, title=title, area=None, ingredient=None):
            topic.not_for_areas.add(*no_make_up)

    for kind, title, duration, advice, area_names, ingredient_name, position in NEW_TOPICS:
        if AftercareTopic.objects.filter(kind=kind, title=title, ingredient__name=ingredient_name).exists():
            continue
        ingredient = Ingredient.objects.filter(name=ingredient_name).first() if ingredient_name else None
        if ingredient_name and ingredient is None:
            continue  # the clinic renamed or removed it: it adds its own topic in the admin
        scopes = [areas[name] for name in area_names if name in areas] if area_names else [None]
        for area in scopes:
            AftercareTopic.objects.create(
                kind=kind,
                title=title,
                duration=duration,
                advice=advice,
                area=area,
                ingredient=ingredient,
                position=position,
            )


class Migration(migrations.Migration):
    dependencies = [("treatments", "0017_dose_limits")]

    operations = [
        migrations.AddField(
            model_name="aftercaretopic",
            name="not_for_areas",
            field=models.ManyToManyField(
                blank=True,
                help_text="Left out of sheets that treat only these areas (no make-up instruction for the scalp).",
                related_name="+",
                to="treatments.treatmentarea",
            ),
        ),
        migrations.RunPython(update, migrations.RunPython.noop),
    ]
