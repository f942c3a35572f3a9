"""What the cocktail form posts: the formulation's fields and the "lines" formset."""

from treatments.models import Ingredient

VITAMIN_B1 = "Vitamin B1 (thiamine)"
VITAMIN_C = "Vitamin C (ascorbic acid)"
TRANEXAMIC_ACID = "Tranexamic acid"
HYALURONIC_ACID = "Hyaluronic acid, non-cross-linked"
ZINC = "Zinc"
GLUTATHIONE = "Glutathione"


def ingredient(name: str) -> Ingredient:
    return Ingredient.objects.get(name=name)


def cocktail_form(*lines: tuple, patient=None, **fields) -> dict:
    """POST data for /formulations/new/, …/edit/ and …/preview/. Each line is
    (ingredient name, amount, unit) with an optional fourth item True to mark it deleted."""
    data = {
        "name": "Melasma, spring",
        "indication": "pigmentation",
        "total_volume_ml": "2",
        "notes": "",
        "patient": str(patient.pk) if patient else "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for number, (name, amount, unit, *deleted) in enumerate(lines):
        data[f"lines-{number}-ingredient"] = str(ingredient(name).pk)
        data[f"lines-{number}-amount"] = str(amount)
        data[f"lines-{number}-unit"] = unit
        if deleted and deleted[0]:
            data[f"lines-{number}-DELETE"] = "on"
    return data | fields
