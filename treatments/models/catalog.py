"""The clinic's catalogues: ingredients with their limits, treatment areas, and the units
amounts are given in. An ingredient also carries the two links that make the safety check
concrete: which patients are allergic to it and which contraindications concern it."""

from decimal import Decimal
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Indication(models.TextChoices):
    REJUVENATION = "rejuvenation", "Skin rejuvenation"
    HAIR_LOSS = "hair_loss", "Hair loss"
    PIGMENTATION = "pigmentation", "Pigmentation / melasma"
    DARK_CIRCLES = "dark_circles", "Dark circles"
    BODY = "body", "Body / cellulite"
    OTHER = "other", "Other"


class Unit(models.TextChoices):
    MG = "mg", "mg"
    MICROGRAM = "µg", "µg"
    ML = "mL", "mL"
    IU = "IU", "IU"
    PERCENT = "%", "% (w/v)"
    MG_PER_ML = "mg/mL", "mg/mL"


# Units of one kind convert into each other; the factor turns an amount into the kind's
# base unit (mg, mg/mL, mL, IU). 1 % w/v is 10 mg/mL.
UNIT_KIND_AND_FACTOR = {
    Unit.MG: ("mass", Decimal(1)),
    Unit.MICROGRAM: ("mass", Decimal("0.001")),
    Unit.MG_PER_ML: ("concentration", Decimal(1)),
    Unit.PERCENT: ("concentration", Decimal(10)),
    Unit.ML: ("volume", Decimal(1)),
    Unit.IU: ("activity", Decimal(1)),
}


def units_fit(unit: str, other: str) -> bool:
    return UNIT_KIND_AND_FACTOR[unit][0] == UNIT_KIND_AND_FACTOR[other][0]


def convert(amount: Decimal, from_unit: str, to_unit: str) -> Decimal:
    return amount * UNIT_KIND_AND_FACTOR[from_unit][1] / UNIT_KIND_AND_FACTOR[to_unit][1]


def format_amount(amount: Decimal, unit: str) -> str:
    return f"{amount.normalize():f} {unit}"


class IngredientQuerySet(models.QuerySet):
    def active(self) -> Self:
        return self.filter(active=True)


class Ingredient(models.Model):
    """A substance a cocktail can contain. Amounts are per session, in `unit`: a mass or
    activity for the whole session's syringe, or a concentration in the mixed cocktail."""

    class Category(models.TextChoices):
        VITAMIN = "vitamin", "Vitamin"
        MINERAL = "mineral", "Mineral / trace element"
        AMINO_ACID = "amino_acid", "Amino acid"
        HYALURONIC_ACID = "hyaluronic_acid", "Hyaluronic acid"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120, unique=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    unit = models.CharField(max_length=6, choices=Unit.choices, help_text="Unit of the amounts below and of cocktails.")
    typical_amount = models.DecimalField(
        max_digits=10, decimal_places=3, null=True, blank=True, help_text="Usual amount per session, in the unit."
    )
    max_amount = models.DecimalField(
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Cocktails above this amount per session are refused. Leave empty when no limit is on record.",
    )
    notes = models.TextField(blank=True, help_text="Shown to dermatologists when composing a cocktail.")
    active = models.BooleanField(default=True, help_text="Inactive ingredients cannot be added to new cocktails.")
    contraindications = models.ManyToManyField(
        "patients.Contraindication",
        blank=True,
        related_name="ingredients",
        help_text="Contraindications limited to cocktails containing this ingredient.",
    )
    allergic_patients = models.ManyToManyField(
        "patients.Patient", through="Allergy", blank=True, related_name="allergy_ingredients"
    )

    objects = IngredientQuerySet.as_manager()
    # A clinical default: who changed a limit, when, and from what, shows in the admin's history.
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_amount__isnull=True) | models.Q(max_amount__gt=0), name="ingredient_max_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.typical_amount and self.max_amount and self.typical_amount > self.max_amount:
            raise ValidationError({"typical_amount": "The typical amount cannot be above the maximum."})


class TreatmentArea(models.Model):
    class Technique(models.TextChoices):
        NAPPAGE = "nappage", "Nappage"
        PAPULE = "papule", "Papule"
        POINT_BY_POINT = "point_by_point", "Point by point"
        DEEP = "deep", "Deep (body fat)"

    name = models.CharField(max_length=80, unique=True)
    default_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(15), MaxValueValidator(60)], help_text="Slot length the booking suggests."
    )
    typical_volume_ml = models.DecimalField(
        "typical volume per session (mL)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(20))],
    )
    technique = models.CharField(max_length=20, choices=Technique.choices)
    depth_mm = models.DecimalField("depth (mm)", max_digits=4, decimal_places=1)
    needle = models.CharField(max_length=40, help_text="Gauge and length, e.g. 30 G 4 mm.")
    aftercare_notes = models.TextField(blank=True, help_text="Printed on this area's aftercare sheets.")
    active = models.BooleanField(default=True)

    history = HistoricalRecords()  # a clinical default, as the ingredients' limits

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Allergy(models.Model):
    """A patient's allergy to a catalogue ingredient: cocktails containing it are refused for
    them. Allergies to anything else are free text on the patient's record."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ingredient__name"]
        constraints = [models.UniqueConstraint(fields=["patient", "ingredient"], name="allergy_once_per_ingredient")]

    def __str__(self) -> str:
        return f"Allergic to {self.ingredient}"
