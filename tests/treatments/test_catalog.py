"""The catalogues a new clinic starts with, loaded by the data migrations."""

from patients.models import Contraindication
from tests.treatments.cocktail_forms import TRANEXAMIC_ACID, VITAMIN_C, ingredient
from treatments.models import Ingredient, TreatmentArea


def test_ingredient_catalogue_covers_every_category(db):
    assert Ingredient.objects.active().count() >= 25
    assert set(Ingredient.objects.values_list("category", flat=True)) == {
        "vitamin",
        "mineral",
        "amino_acid",
        "hyaluronic_acid",
        "other",
    }


def test_ingredient_limits_are_seeded_in_the_ingredients_own_unit(db):
    vitamin_c = ingredient(VITAMIN_C)
    assert (vitamin_c.unit, vitamin_c.max_per_ml, vitamin_c.per_ml_unit) == ("%", 3, "%")
    assert (vitamin_c.max_per_session, vitamin_c.per_session_unit) == (150, "mg")
    txa = ingredient(TRANEXAMIC_ACID)
    assert (txa.max_per_ml, txa.per_ml_unit, txa.max_per_session, txa.per_session_unit) == (50, "mg/mL", 150, "mg")
    b12 = ingredient("Vitamin B12 (cyanocobalamin)")
    assert (b12.per_ml_unit, b12.per_session_unit) == ("µg/mL", "µg")


def test_treatment_areas_are_seeded(db):
    names = set(TreatmentArea.objects.filter(active=True).values_list("name", flat=True))
    assert names >= {"Face", "Periorbital", "Neck", "Décolletage", "Hands", "Scalp", "Abdomen", "Thighs"}
    face = TreatmentArea.objects.get(name="Face")
    assert 15 <= face.default_minutes <= 60
    # The face's note only repeated a topic (treatments/0016); the hands keep one of their own.
    assert not face.aftercare_notes
    assert "gloves" in TreatmentArea.objects.get(name="Hands").aftercare_notes


def test_contraindications_are_seeded_including_the_tranexamic_acid_rules(db):
    names = set(Contraindication.objects.filter(active=True).values_list("name", flat=True))
    assert len(names) >= 20
    assert {"Pregnancy or breastfeeding", "Age under 18", "Oral isotretinoin"} <= names
    limited_to_txa = Contraindication.objects.filter(ingredients__name=TRANEXAMIC_ACID)
    assert {(c.name.split(",")[0], c.level) for c in limited_to_txa} == {
        ("Thromboembolism", "block"),
        ("Hormonal contraception or smoking", "warn"),
    }
    assert Contraindication.objects.get(name="Oral isotretinoin").waiting_days == 180
    assert set(Contraindication.objects.exclude(detection="").values_list("detection", flat=True)) == {
        "under_18",
        "skin_type_iv_vi",
    }
