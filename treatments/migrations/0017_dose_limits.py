"""Each ingredient gets a maximum per mL and a maximum per session, each area a most
plausible volume, and dutasteride is for the scalp only.

The values come from ../shared/domain/catalog.md where its sources give one (the number in
brackets is the source there); every other value is a conservative clinic choice, editable
in the admin. A clinic's own ingredients keep the maximum they had, as per mL or per
session by their unit.
"""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models

CLINIC_CHOICE = "Clinic choice (conservative default; no published maximum found)."

# name: (maximum per mL, in the ingredient's unit per mL or its strength unit;
#        maximum per session, in its unit or mg for a strength; source)
LIMITS = {
    "Vitamin A (retinol)": ("1", "2", CLINIC_CHOICE),
    "Vitamin E (tocopherol)": ("1", "2", CLINIC_CHOICE),
    "Vitamin B1 (thiamine)": ("5", "10", CLINIC_CHOICE + " Kept low: the most allergenic vitamin [6]."),
    "Vitamin B2 (riboflavin)": ("2", "4", CLINIC_CHOICE),
    "Vitamin B3 (niacinamide)": ("20", "40", CLINIC_CHOICE),
    "Vitamin B5 (dexpanthenol)": ("50", "100", CLINIC_CHOICE),
    "Vitamin B6 (pyridoxine)": ("10", "20", CLINIC_CHOICE),
    "Vitamin B8 (biotin)": ("5", "10", CLINIC_CHOICE),
    "Vitamin B12 (cyanocobalamin)": ("500", "1000", CLINIC_CHOICE),
    "Vitamin C (ascorbic acid)": (
        "3",
        "150",
        "Per mL: 3 % in a published melasma cocktail [7]. Per session: clinic choice.",
    ),
    "Zinc": ("1", "2", CLINIC_CHOICE),
    "Copper": ("0.5", "1", CLINIC_CHOICE),
    "Selenium": ("50", "100", CLINIC_CHOICE),
    "Chromium": ("20", "40", CLINIC_CHOICE),
    "Manganese": ("0.5", "1", CLINIC_CHOICE),
    "Magnesium": ("20", "40", CLINIC_CHOICE),
    "Iron": ("1", "2", CLINIC_CHOICE),
    "Calcium": ("10", "20", CLINIC_CHOICE),
    "Organic silicon (monomethylsilanetriol salicylate)": (
        "5",
        "250",
        "Per mL: the 5 % ampoule [12]. Per session: clinic choice.",
    ),
    "Lysine": ("10", "20", CLINIC_CHOICE),
    "Cysteine": ("10", "20", CLINIC_CHOICE),
    "Methionine": ("10", "20", CLINIC_CHOICE),
    "Arginine": ("10", "20", CLINIC_CHOICE),
    "Glycine": ("10", "20", CLINIC_CHOICE),
    "Proline": ("10", "20", CLINIC_CHOICE),
    "Leucine": ("10", "20", CLINIC_CHOICE),
    "Glutamine": ("10", "20", CLINIC_CHOICE),
    "Hyaluronic acid, non-cross-linked": (
        "32",
        "64",
        "Per mL: 32 mg/mL, described as above the usual strength [16]. Per session: clinic choice "
        "(about 2 mL for a full face [27]).",
    ),
    "DMAE (dimethylaminoethanol)": (
        "0.2",
        "10",
        "Per mL: 0.1–0.2 %, an animal study only [11]. Per session: clinic choice.",
    ),
    "Glutathione": ("2", "100", "Per mL: 2 % in a published melasma cocktail [7]. Per session: clinic choice."),
    "Tranexamic acid": (
        "50",
        "150",
        "Per mL: 50 mg/mL advised [8] (published strengths disagree: 4 [7], 50 [8], 100 [9]). "
        "Per session: clinic choice (about 0.05 mL per point [8]).",
    ),
    "Peptides / growth factors": ("1", "2", CLINIC_CHOICE),
    "Dutasteride": ("0.05", "2", "Per mL: 0.05 % [20]. Per session: clinic choice. Scalp only [20]."),
    "Caffeine": ("10", "100", CLINIC_CHOICE),
    "L-carnitine": ("20", "200", CLINIC_CHOICE),
    "Aminophylline": ("10", "100", CLINIC_CHOICE),
    "Phosphatidylcholine + deoxycholate": ("50", "250", CLINIC_CHOICE),
}

SCALP_ONLY = ["Dutasteride"]

# area: most plausible volume per session, mL (clinic choice; about 2 mL for a full face
# [27], 10–20 mL on the body [34])
AREA_MAXIMUMS = {
    "Face": "4",
    "Periorbital": "1",
    "Neck": "3",
    "Décolletage": "4",
    "Hands": "3",
    "Scalp": "6",
    "Abdomen": "20",
    "Thighs": "20",
}
STRENGTH_UNITS = {"%", "mg/mL"}


def seed_limits(apps, schema_editor):
    Ingredient = apps.get_model("treatments", "Ingredient")
    TreatmentArea = apps.get_model("treatments", "TreatmentArea")
    for ingredient in Ingredient.objects.all():
        if ingredient.name in LIMITS:
            per_ml, per_session, source = LIMITS[ingredient.name]
            ingredient.max_per_ml, ingredient.max_per_session = Decimal(per_ml), Decimal(per_session)
            ingredient.limits_source = source
        elif ingredient.max_amount is not None:
            if ingredient.unit in STRENGTH_UNITS:
                ingredient.max_per_ml = ingredient.max_amount
            else:
                ingredient.max_per_session = ingredient.max_amount
        ingredient.save(update_fields=["max_per_ml", "max_per_session", "limits_source"])
    for name, maximum in AREA_MAXIMUMS.items():
        TreatmentArea.objects.filter(name=name).update(max_volume_ml=Decimal(maximum))
    scalp = TreatmentArea.objects.filter(name="Scalp").first()
    if scalp:
        for ingredient in Ingredient.objects.filter(name__in=SCALP_ONLY):
            ingredient.allowed_areas.add(scalp)


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0010_phone_digits"),
        ("treatments", "0016_overrides"),
    ]

    operations = [
        migrations.AddField(
            model_name="ingredient",
            name="allowed_areas",
            field=models.ManyToManyField(
                blank=True,
                help_text="Only these areas may be treated with it (e.g. scalp only). Empty: any area.",
                related_name="+",
                to="treatments.treatmentarea",
            ),
        ),
        migrations.AddField(
            model_name="ingredient",
            name="limits_source",
            field=models.CharField(
                blank=True,
                help_text="Where the maximums come from: a published source, or 'clinic choice'.",
                max_length=300,
            ),
        ),
        migrations.AddField(
            model_name="ingredient",
            name="max_per_ml",
            field=models.DecimalField(
                blank=True,
                decimal_places=3,
                help_text="In the unit shown beside it. Empty: none on record; each use must then be acknowledged.",
                max_digits=10,
                null=True,
                verbose_name="maximum per mL",
            ),
        ),
        migrations.AddField(
            model_name="ingredient",
            name="max_per_session",
            field=models.DecimalField(
                blank=True,
                decimal_places=3,
                help_text="Strength × volume given. Empty: none on record; each use must then be acknowledged.",
                max_digits=10,
                null=True,
                verbose_name="maximum per session",
            ),
        ),
        migrations.AddField(
            model_name="treatmentarea",
            name="max_volume_ml",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("20"),
                help_text="A recorded or planned volume above this is refused as a typing error.",
                max_digits=5,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.1")),
                    django.core.validators.MaxValueValidator(Decimal("20")),
                ],
                verbose_name="most plausible volume per session (mL)",
            ),
        ),
        migrations.RunPython(seed_limits, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="ingredient",
            name="ingredient_max_positive",
        ),
        migrations.RemoveField(
            model_name="ingredient",
            name="max_amount",
        ),
        migrations.AddConstraint(
            model_name="ingredient",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("max_per_ml__isnull", True), ("max_per_ml__gt", 0), _connector="OR"),
                    models.Q(("max_per_session__isnull", True), ("max_per_session__gt", 0), _connector="OR"),
                ),
                name="ingredient_maximums_positive",
            ),
        ),
    ]
