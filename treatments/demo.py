"""Demo clinic templates and two patients' own cocktails, composed like any other."""

from collections.abc import Callable
from decimal import Decimal

from clinic.models import User
from patients.models import Patient
from treatments.cocktails import LineSpec, compose_formulation
from treatments.models import Formulation, Indication, Ingredient

DEMO_NOTE = "Demo template: amounts are examples; set them to the products your clinic uses."

# name, indication, total mL, lines (ingredient, amount, unit)
TEMPLATES = [
    (
        "Face revitalisation: hyaluronic acid and vitamins",
        Indication.REJUVENATION,
        "3",
        [
            ("Hyaluronic acid, non-cross-linked", "10", "mg/mL"),
            ("Vitamin B1 (thiamine)", "5", "mg"),
            ("Vitamin B5 (dexpanthenol)", "10", "mg"),
            ("Vitamin C (ascorbic acid)", "1", "%"),
            ("Lysine", "5", "mg"),
            ("Glycine", "5", "mg"),
            ("Zinc", "500", "µg"),
        ],
    ),
    (
        "Scalp: biotin, zinc and amino acids",
        Indication.HAIR_LOSS,
        "4",
        [
            ("Vitamin B8 (biotin)", "5", "mg"),
            ("Vitamin B5 (dexpanthenol)", "20", "mg"),
            ("Zinc", "1", "mg"),
            ("Cysteine", "10", "mg"),
            ("Methionine", "10", "mg"),
            ("Peptides / growth factors", "1", "mg"),
        ],
    ),
    (
        "Melasma: tranexamic acid, vitamin C and glutathione",
        Indication.PIGMENTATION,
        "2",
        [
            ("Tranexamic acid", "4", "mg/mL"),
            ("Vitamin C (ascorbic acid)", "3", "%"),
            ("Glutathione", "2", "%"),
        ],
    ),
    (
        "Dark circles: light hyaluronic acid and vitamin C",
        Indication.DARK_CIRCLES,
        "1",
        [
            ("Hyaluronic acid, non-cross-linked", "8", "mg/mL"),
            ("Vitamin C (ascorbic acid)", "1", "%"),
            ("Vitamin B12 (cyanocobalamin)", "100", "µg"),
        ],
    ),
    (
        "Body: caffeine and L-carnitine",
        Indication.BODY,
        "10",
        [
            ("Caffeine", "50", "mg"),
            ("L-carnitine", "100", "mg"),
        ],
    ),
]

# patient (first, last), template name, cocktail name
PATIENT_COCKTAILS = [
    (("Camille", "Durand"), "Face revitalisation: hyaluronic acid and vitamins", "Camille's face cocktail"),
    (("Thomas", "Roux"), "Scalp: biotin, zinc and amino acids", "Thomas's scalp cocktail"),
]


def seed(*, log: Callable[[str], None]) -> None:
    dermatologist = User.objects.get(username="dr.demo")
    ingredients = {ingredient.name: ingredient for ingredient in Ingredient.objects.all()}
    templates = {}
    for name, indication, volume, lines in TEMPLATES:
        template = Formulation.objects.templates().filter(name=name).first()
        if template is None:
            template = compose_formulation(
                name=name,
                indication=indication,
                total_volume_ml=Decimal(volume),
                lines=[LineSpec(ingredients[ingredient], Decimal(amount), unit) for ingredient, amount, unit in lines],
                notes=DEMO_NOTE,
                created_by=dermatologist,
            )
        templates[name] = template
    for (first, last), template_name, cocktail_name in PATIENT_COCKTAILS:
        patient = Patient.objects.get(first_name=first, last_name=last)
        if not Formulation.objects.filter(patient=patient, name=cocktail_name).exists():
            template = templates[template_name]
            compose_formulation(
                name=cocktail_name,
                indication=template.indication,
                total_volume_ml=template.total_volume_ml,
                lines=[LineSpec(line.ingredient, line.amount, line.unit) for line in template.lines.all()],
                patient=patient,
                created_by=dermatologist,
            )
    log(f"Demo cocktails: {len(TEMPLATES)} clinic templates, {len(PATIENT_COCKTAILS)} patient cocktails.")
