"""The starting ingredient and treatment-area catalogues, from shared/domain/catalog.md.

Strengths are rarely published; where the sources give none, the typical and maximum
amounts stay empty for the clinic to enter in the admin. Where they do, the maximum is the
highest strength the sources report (a clinic choice, editable).
"""

from decimal import Decimal

from django.db import migrations

FAT_SOLUBLE = "Fat-soluble: only in a water-based injectable form; nothing oil- or alcohol-based intradermally."

# name, category, unit, typical, maximum, notes
INGREDIENTS = [
    ("Vitamin A (retinol)", "vitamin", "mg", None, None, FAT_SOLUBLE),
    ("Vitamin E (tocopherol)", "vitamin", "mg", None, None, FAT_SOLUBLE),
    (
        "Vitamin B1 (thiamine)",
        "vitamin",
        "mg",
        None,
        None,
        "The most allergenic vitamin: anaphylaxis after injection has been reported, likelier with repeated doses.",
    ),
    ("Vitamin B2 (riboflavin)", "vitamin", "mg", None, None, "Hair cocktails."),
    ("Vitamin B3 (niacinamide)", "vitamin", "mg", None, None, "Hair cocktails."),
    ("Vitamin B5 (dexpanthenol)", "vitamin", "mg", None, None, "Hair cocktails."),
    ("Vitamin B6 (pyridoxine)", "vitamin", "mg", None, None, "Hair cocktails."),
    ("Vitamin B8 (biotin)", "vitamin", "mg", None, None, "Hair cocktails."),
    ("Vitamin B12 (cyanocobalamin)", "vitamin", "µg", None, None, "Hair cocktails."),
    (
        "Vitamin C (ascorbic acid)",
        "vitamin",
        "%",
        "3",
        "3",
        "3 % in a published melasma cocktail. Stings more than other treatments under the eyes.",
    ),
    ("Zinc", "mineral", "mg", None, None, "Trace element; hair mixes."),
    ("Copper", "mineral", "mg", None, None, "Trace element."),
    ("Selenium", "mineral", "µg", None, None, "Trace element."),
    ("Chromium", "mineral", "µg", None, None, "Trace element."),
    ("Manganese", "mineral", "mg", None, None, "Trace element."),
    ("Magnesium", "mineral", "mg", None, None, "Hair mixes."),
    ("Iron", "mineral", "mg", None, None, "Hair mixes."),
    ("Calcium", "mineral", "mg", None, None, "Hair mixes."),
    (
        "Organic silicon (monomethylsilanetriol salicylate)",
        "mineral",
        "%",
        "5",
        "5",
        "5 % ampoule. Contains a salicylate: exclude in salicylic-acid allergy.",
    ),
    ("Lysine", "amino_acid", "mg", None, None, "Hair cocktails."),
    ("Cysteine", "amino_acid", "mg", None, None, "Hair cocktails."),
    ("Methionine", "amino_acid", "mg", None, None, "Hair cocktails."),
    ("Arginine", "amino_acid", "mg", None, None, "Hair cocktails."),
    ("Glycine", "amino_acid", "mg", None, None, "In multi-component products; not confirmed by the sources read."),
    ("Proline", "amino_acid", "mg", None, None, "In multi-component products; not confirmed by the sources read."),
    ("Leucine", "amino_acid", "mg", None, None, "In multi-component products; not confirmed by the sources read."),
    ("Glutamine", "amino_acid", "mg", None, None, "In multi-component products; not confirmed by the sources read."),
    (
        "Hyaluronic acid, non-cross-linked",
        "hyaluronic_acid",
        "mg/mL",
        None,
        "32",
        "Acts in the epidermis and superficial dermis; placed too superficially it shows blue (Tyndall effect). "
        "32 mg/mL is described as above the usual strength.",
    ),
    ("DMAE (dimethylaminoethanol)", "other", "%", "0.1", "0.2", "0.1–0.2 %, from an animal study only."),
    ("Glutathione", "other", "%", "2", None, "2 % with tranexamic acid and vitamin C in a melasma cocktail."),
    (
        "Tranexamic acid",
        "other",
        "mg/mL",
        "4",
        "100",
        "Published strengths disagree: 4, 50 and 100 mg/mL. About 0.05 mL per point, 1 cm apart. "
        "Contraindicated with clotting disorders.",
    ),
    ("Peptides / growth factors", "other", "mg", None, None, "Hair mixes."),
    ("Dutasteride", "other", "%", "0.05", "0.05", "Prescription only. Scalp only."),
    ("Caffeine", "other", "mg", None, None, "Body lipolytic; no peer-reviewed evidence of fat loss."),
    ("L-carnitine", "other", "mg", None, None, "Body lipolytic; no peer-reviewed evidence of fat loss."),
    ("Aminophylline", "other", "mg", None, None, "Body lipolytic; no peer-reviewed evidence of fat loss."),
    (
        "Phosphatidylcholine + deoxycholate",
        "other",
        "mg",
        None,
        None,
        "A detergent fat-dissolving injection, distinct from classic mesotherapy.",
    ),
]

# name, minutes, typical mL, technique, depth mm, needle, aftercare notes
AREAS = [
    (
        "Face",
        30,
        "2",
        "nappage",
        "2",
        "30 G 4 mm",
        "Small bumps at the injection points usually settle within a day. No make-up for 12 hours.",
    ),
    (
        "Periorbital",
        15,
        "0.5",
        "papule",
        "1",
        "32 G 4 mm",
        "The skin around the eyes is thin: swelling and bruising there can last longer, "
        "often a few days. Sleep with your head slightly raised the first night; a cold compress helps.",
    ),
    (
        "Neck",
        30,
        "1.5",
        "nappage",
        "2",
        "30 G 4 mm",
        "Avoid tight collars and scarves on the treated skin for the first day.",
    ),
    (
        "Décolletage",
        30,
        "2",
        "nappage",
        "2",
        "30 G 4 mm",
        "Protect the treated skin from the sun: cover it or use a high-factor sunscreen from the next day.",
    ),
    (
        "Hands",
        30,
        "1.5",
        "papule",
        "1.5",
        "30 G 4 mm",
        "Wear gloves for rough or wet work for the first day; avoid hot water on the backs of the hands.",
    ),
    (
        "Scalp",
        30,
        "3",
        "nappage",
        "2",
        "30 G 4 mm",
        "Do not wash your hair, or use hair products, for 24 hours. Avoid hats that press on the scalp for a day.",
    ),
    (
        "Abdomen",
        45,
        "10",
        "deep",
        "6",
        "27 G 13 mm",
        "Wear loose clothing over the treated area; bruising on the body is common and fades within two weeks.",
    ),
    (
        "Thighs",
        60,
        "10",
        "deep",
        "6",
        "27 G 13 mm",
        "Wear loose clothing over the treated area; bruising on the body is common and fades within two weeks.",
    ),
]


def decimal_or_none(value):
    return None if value is None else Decimal(value)


def load_catalog(apps, schema_editor):
    Ingredient = apps.get_model("treatments", "Ingredient")
    TreatmentArea = apps.get_model("treatments", "TreatmentArea")
    for name, category, unit, typical, maximum, notes in INGREDIENTS:
        Ingredient.objects.get_or_create(
            name=name,
            defaults={
                "category": category,
                "unit": unit,
                "typical_amount": decimal_or_none(typical),
                "max_amount": decimal_or_none(maximum),
                "notes": notes,
            },
        )
    for name, minutes, volume, technique, depth, needle, aftercare in AREAS:
        TreatmentArea.objects.get_or_create(
            name=name,
            defaults={
                "default_minutes": minutes,
                "typical_volume_ml": Decimal(volume),
                "technique": technique,
                "depth_mm": Decimal(depth),
                "needle": needle,
                "aftercare_notes": aftercare,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("treatments", "0001_initial")]

    operations = [migrations.RunPython(load_catalog, migrations.RunPython.noop)]
