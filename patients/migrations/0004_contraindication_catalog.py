"""The starting contraindication list, from shared/domain/contraindications.md.

Block or warn, and the waiting periods, are the domain notes' suggested defaults (clinic
choice): the clinic edits them in the admin.
"""

from django.db import migrations

TRANEXAMIC_ACID = ["Tranexamic acid"]
BODY_LIPOLYTICS = ["Caffeine", "L-carnitine", "Aminophylline", "Phosphatidylcholine + deoxycholate"]
ORGANIC_SILICON = ["Organic silicon (monomethylsilanetriol salicylate)"]

# name, level, waiting days after it ends, ingredients it is limited to, detection, advice, sources
CONTRAINDICATIONS = [
    ("Pregnancy or breastfeeding", "block", 0, [], "", "No mesotherapy until breastfeeding has ended.", "[1][2][3][4]"),
    ("Age under 18", "block", 0, [], "under_18", "Candidates are adults (18–75).", "[4][16]"),
    (
        "Infection, wound, sunburn, eczema or psoriasis flare, or warts at the site",
        "block",
        0,
        [],
        "",
        "Do not treat the site until it has healed.",
        "[1][2][3][15]",
    ),
    ("Active herpes at the site", "block", 0, [], "", "Do not treat the site until it has healed.", "[1][2][9]"),
    (
        "History of herpes (cold sores) at the site",
        "warn",
        0,
        [],
        "",
        "Antiviral cover from 2 weeks before to 2 weeks after is used for needling.",
        "[1]",
    ),
    (
        "Anticoagulant therapy, bleeding disorder or low platelets",
        "block",
        0,
        [],
        "",
        "Sources range from exclusion to 'poor candidate'. Never advise stopping a prescribed drug without its "
        "prescriber.",
        "[1][3][4][5][15]",
    ),
    (
        "Aspirin, NSAID, vitamin E, fish oil, ginkgo or garlic supplements (not prescribed)",
        "warn",
        7,
        [],
        "",
        "Pause before the session: sources say 2 days, 7–10 days or 2 weeks (they disagree).",
        "[2][6][7][9]",
    ),
    (
        "Autoimmune disease, immunodeficiency, immunosuppressants or systemic steroids",
        "warn",
        0,
        [],
        "",
        "Needs the physician's sign-off; some sources exclude these patients.",
        "[1][14][15]",
    ),
    ("Keloid or hypertrophic scarring (self or family)", "warn", 0, [], "", "", "[1][2][5]"),
    (
        "Oral isotretinoin",
        "warn",
        180,
        [],
        "",
        "Traditionally 6–12 months after the last dose; 2017 reviews found many procedures need no delay.",
        "[1][5][8]",
    ),
    ("Topical retinoid", "warn", 5, [], "", "Stop 2–5 days before the session.", "[2][5]"),
    ("Alpha-hydroxy acid (AHA) skincare", "warn", 28, [], "", "Stop 4 weeks before the session.", "[2]"),
    ("Laser treatment on the face", "warn", 42, [], "", "Leave 4–6 weeks after a facial laser.", "[1]"),
    (
        "Peel, microdermabrasion or other device treatment on the area",
        "warn",
        14,
        [],
        "",
        "Leave 1–2 weeks between them; never on the same day.",
        "[13][19]",
    ),
    ("Facial surgery", "warn", 90, [], "", "Leave 3 months after facial surgery.", "[1]"),
    (
        "Cancer, chemotherapy or radiotherapy",
        "block",
        365,
        [],
        "",
        "One clinic accepts patients 12 months after cancer treatment with a doctor's letter.",
        "[1][2][3][4]",
    ),
    (
        "Insulin-dependent diabetes, heart disease or arrhythmia, uncontrolled hypertension, epilepsy, thyroid "
        "disease or organ failure",
        "warn",
        0,
        [],
        "",
        "Needs a letter from the patient's doctor; some sources exclude these patients outright.",
        "[1][3][4][15]",
    ),
    (
        "Thromboembolism, stroke, clotting disorder, ischaemic heart disease, severe renal failure, seizures or "
        "colour-vision disturbance",
        "block",
        0,
        TRANEXAMIC_ACID,
        "",
        "Tranexamic acid is contraindicated: choose a cocktail without it.",
        "[10]",
    ),
    (
        "Hormonal contraception or smoking",
        "warn",
        0,
        TRANEXAMIC_ACID,
        "",
        "From oral tranexamic acid guidance; not studied for injections.",
        "[20]",
    ),
    ("Gallstones", "warn", 0, BODY_LIPOLYTICS, "", "Caution with body lipolytic cocktails.", "[3][18]"),
    (
        "Salicylate allergy",
        "block",
        0,
        ORGANIC_SILICON,
        "",
        "Organic silicon is a salicylate: leave it out.",
        "[12]",
    ),
    (
        "Fitzpatrick skin type IV to VI",
        "warn",
        0,
        [],
        "skin_type_iv_vi",
        "Risk of post-inflammatory hyperpigmentation.",
        "[16]",
    ),
]

SOURCES = "See shared/domain/contraindications.md, sources "


def load_contraindications(apps, schema_editor):
    Contraindication = apps.get_model("patients", "Contraindication")
    # The ingredients a contraindication is limited to are linked by treatments' migration 0010.
    for name, level, waiting_days, _ingredient_names, detection, advice, sources in CONTRAINDICATIONS:
        Contraindication.objects.get_or_create(
            name=name,
            defaults={
                "level": level,
                "waiting_days": waiting_days,
                "detection": detection,
                "advice": advice,
                "source": SOURCES + sources,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0003_ingredient_links"),
    ]

    operations = [migrations.RunPython(load_contraindications, migrations.RunPython.noop)]
