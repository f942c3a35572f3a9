"""The catalogue's ingredients get a name for patients' documents in French ("Vitamine C (acide
ascorbique)"); in English their name says it already, so it stays empty there (the documents
then print the name). An ingredient the clinic added keeps none until the clinic writes it.
Each change is in the ingredient's history, French included."""

from django.db import migrations, models
from django.utils import timezone

FRENCH = {
    "Aminophylline": "Aminophylline",
    "Arginine": "Arginine",
    "Caffeine": "Caféine",
    "Calcium": "Calcium",
    "Chromium": "Chrome",
    "Copper": "Cuivre",
    "Cysteine": "Cystéine",
    "DMAE (dimethylaminoethanol)": "DMAE (diméthylaminoéthanol)",
    "Dutasteride": "Dutastéride",
    "Glutamine": "Glutamine",
    "Glutathione": "Glutathion",
    "Glycine": "Glycine",
    "Hyaluronic acid, non-cross-linked": "Acide hyaluronique non réticulé",
    "Iron": "Fer",
    "L-carnitine": "L-carnitine",
    "Leucine": "Leucine",
    "Lysine": "Lysine",
    "Magnesium": "Magnésium",
    "Manganese": "Manganèse",
    "Methionine": "Méthionine",
    "Organic silicon (monomethylsilanetriol salicylate)": "Silicium organique (salicylate de monométhylsilanetriol)",
    "Peptides / growth factors": "Peptides / facteurs de croissance",
    "Phosphatidylcholine + deoxycholate": "Phosphatidylcholine + désoxycholate",
    "Proline": "Proline",
    "Selenium": "Sélénium",
    "Tranexamic acid": "Acide tranexamique",
    "Vitamin A (retinol)": "Vitamine A (rétinol)",
    "Vitamin B1 (thiamine)": "Vitamine B1 (thiamine)",
    "Vitamin B12 (cyanocobalamin)": "Vitamine B12 (cyanocobalamine)",
    "Vitamin B2 (riboflavin)": "Vitamine B2 (riboflavine)",
    "Vitamin B3 (niacinamide)": "Vitamine B3 (niacinamide)",
    "Vitamin B5 (dexpanthenol)": "Vitamine B5 (dexpanthénol)",
    "Vitamin B6 (pyridoxine)": "Vitamine B6 (pyridoxine)",
    "Vitamin B8 (biotin)": "Vitamine B8 (biotine)",
    "Vitamin C (ascorbic acid)": "Vitamine C (acide ascorbique)",
    "Vitamin E (tocopherol)": "Vitamine E (tocophérol)",
    "Zinc": "Zinc",
}


def french_names(apps, schema_editor):
    Ingredient = apps.get_model("treatments", "Ingredient")
    HistoricalIngredient = apps.get_model("treatments", "HistoricalIngredient")
    history_fields = {field.attname for field in HistoricalIngredient._meta.concrete_fields}
    for ingredient in Ingredient.objects.filter(name__in=FRENCH, patient_name_fr__isnull=True):
        ingredient.patient_name_fr = FRENCH[ingredient.name]
        ingredient.save(update_fields=["patient_name_fr"])
        HistoricalIngredient.objects.create(
            **{
                field.attname: getattr(ingredient, field.attname)
                for field in ingredient._meta.concrete_fields
                if field.attname in history_fields
            },
            history_date=timezone.now(),
            history_type="~",
            history_change_reason="French name for patients",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("treatments", "0030_labels_in_both_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalingredient",
            name="patient_name_en",
            field=models.CharField(
                blank=True,
                help_text="On the patient's documents, in their language. Empty: the name above.",
                max_length=120,
                null=True,
                verbose_name="name for patients",
            ),
        ),
        migrations.AddField(
            model_name="historicalingredient",
            name="patient_name_fr",
            field=models.CharField(
                blank=True,
                help_text="On the patient's documents, in their language. Empty: the name above.",
                max_length=120,
                null=True,
                verbose_name="name for patients",
            ),
        ),
        migrations.AddField(
            model_name="ingredient",
            name="patient_name",
            field=models.CharField(
                blank=True,
                help_text="On the patient's documents, in their language. Empty: the name above.",
                max_length=120,
                verbose_name="name for patients",
            ),
        ),
        migrations.AddField(
            model_name="ingredient",
            name="patient_name_en",
            field=models.CharField(
                blank=True,
                help_text="On the patient's documents, in their language. Empty: the name above.",
                max_length=120,
                null=True,
                verbose_name="name for patients",
            ),
        ),
        migrations.AddField(
            model_name="ingredient",
            name="patient_name_fr",
            field=models.CharField(
                blank=True,
                help_text="On the patient's documents, in their language. Empty: the name above.",
                max_length=120,
                null=True,
                verbose_name="name for patients",
            ),
        ),
        migrations.RunPython(french_names, migrations.RunPython.noop),
    ]
