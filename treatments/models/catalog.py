"""The clinic's catalogues: ingredients with their limits, treatment areas, and the units
amounts are given in. An ingredient also carries the two links that make the safety check
concrete: the allergens it is or contains (`treatments/models/allergies.py`) and which
contraindications concern it."""

from decimal import Decimal
from typing import Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Indication(models.TextChoices):
    REJUVENATION = "rejuvenation", gettext_lazy("Skin rejuvenation")
    HAIR_LOSS = "hair_loss", gettext_lazy("Hair loss")
    PIGMENTATION = "pigmentation", gettext_lazy("Pigmentation / melasma")
    DARK_CIRCLES = "dark_circles", gettext_lazy("Dark circles")
    BODY = "body", gettext_lazy("Body / cellulite")
    OTHER = "other", gettext_lazy("Other")


class Unit(models.TextChoices):
    MG = "mg", "mg"
    MICROGRAM = "µg", "µg"
    ML = "mL", "mL"
    IU = "IU", gettext_lazy("IU")
    PERCENT = "%", gettext_lazy("% (w/v)")
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
    """`amount` and its unit as the page's language writes numbers: "2.5 mL", "2,5 mL"."""
    return f"{number_format(Decimal(str(amount)).normalize())} {unit}"


def base_unit(unit: str) -> tuple[str, Decimal]:
    """A dose unit (a catalogue unit, or one per mL such as "mg/mL" or "µg/mL") as its kind
    and the factor to that kind's base: mg, mg/mL, IU, IU/mL, mL, mL/mL."""
    if unit.endswith("/mL") and unit not in UNIT_KIND_AND_FACTOR:
        kind, factor = UNIT_KIND_AND_FACTOR[unit.removesuffix("/mL")]
        return f"{kind} per mL", factor
    kind, factor = UNIT_KIND_AND_FACTOR[unit]
    return ("mass per mL" if kind == "concentration" else kind), factor


def convert_dose(amount: Decimal, unit: str, to_unit: str | None = None) -> Decimal:
    """`amount` in `unit` in its kind's base (or in `to_unit`, of the same kind)."""
    in_base = amount * base_unit(unit)[1]
    return in_base / base_unit(to_unit)[1] if to_unit else in_base


def dose(amount: Decimal, unit: str, total_volume_ml: Decimal) -> tuple[Decimal, Decimal]:
    """A cocktail line as (per mL, per session) in base units: mg/mL and mg for a strength
    or a mass, IU/mL and IU for an activity, mL/mL and mL for a volume."""
    in_base = convert_dose(amount, unit)
    if UNIT_KIND_AND_FACTOR[unit][0] == "concentration":
        return in_base, in_base * total_volume_ml
    return in_base / total_volume_ml, in_base


def format_dose(in_base: Decimal, unit: str) -> str:
    """A dose in base units, written in `unit` to at most three decimals."""
    return format_amount(round(in_base / base_unit(unit)[1], 3), unit)


class IngredientQuerySet(models.QuerySet):
    def active(self) -> Self:
        return self.filter(active=True)


class Ingredient(models.Model):
    """A substance a cocktail can contain. Amounts are per session, in `unit`: a mass or
    activity for the whole session's syringe, or a concentration in the mixed cocktail."""

    class Category(models.TextChoices):
        VITAMIN = "vitamin", gettext_lazy("Vitamin")
        MINERAL = "mineral", gettext_lazy("Mineral / trace element")
        AMINO_ACID = "amino_acid", gettext_lazy("Amino acid")
        HYALURONIC_ACID = "hyaluronic_acid", gettext_lazy("Hyaluronic acid")
        OTHER = "other", gettext_lazy("Other")

    name = models.CharField(gettext_lazy("name"), max_length=120, unique=True)
    patient_name = models.CharField(
        gettext_lazy("name for patients"),
        max_length=120,
        blank=True,
        help_text=gettext_lazy("On the patient's documents, in their language. Empty: the name above."),
    )
    category = models.CharField(gettext_lazy("category"), max_length=20, choices=Category.choices)
    unit = models.CharField(
        gettext_lazy("unit"),
        max_length=6,
        choices=Unit.choices,
        help_text=gettext_lazy("Unit of the amounts below and of cocktails."),
    )
    typical_amount = models.DecimalField(
        gettext_lazy("typical amount"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=gettext_lazy("Usual amount per session, in the unit."),
    )
    max_per_ml = models.DecimalField(
        gettext_lazy("maximum per mL"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "In the unit shown beside it. Empty: none on record; each use must then be acknowledged."
        ),
    )
    max_per_session = models.DecimalField(
        gettext_lazy("maximum per session"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=gettext_lazy("Strength × volume given. Empty: none on record; each use must then be acknowledged."),
    )
    limits_source = models.CharField(
        gettext_lazy("limits source"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy("Where the maximums come from: a published source, or 'clinic choice'."),
    )
    allowed_areas = models.ManyToManyField(
        "TreatmentArea",
        verbose_name=gettext_lazy("allowed areas"),
        blank=True,
        related_name="+",
        help_text=gettext_lazy("Only these areas may be treated with it (e.g. scalp only). Empty: any area."),
    )
    notes = models.TextField(
        gettext_lazy("notes"), blank=True, help_text=gettext_lazy("Shown to dermatologists when composing a cocktail.")
    )
    active = models.BooleanField(
        gettext_lazy("active"),
        default=True,
        help_text=gettext_lazy("Inactive ingredients cannot be added to new cocktails."),
    )
    contraindications = models.ManyToManyField(
        "patients.Contraindication",
        verbose_name=gettext_lazy("contraindications"),
        blank=True,
        related_name="ingredients",
        help_text=gettext_lazy("Contraindications limited to cocktails containing this ingredient."),
    )
    objects = IngredientQuerySet.as_manager()
    # A clinical default: who changed a limit, when, and from what, shows in the admin's history
    # (registered with its languages, treatments/translation.py).

    class Meta:
        verbose_name = gettext_lazy("ingredient")
        verbose_name_plural = gettext_lazy("ingredients")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(max_per_ml__isnull=True) | models.Q(max_per_ml__gt=0))
                & (models.Q(max_per_session__isnull=True) | models.Q(max_per_session__gt=0)),
                name="ingredient_maximums_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            # Every ingredient is an allergen of its own, so that an allergy to it can be
            # recorded, however the ingredient came (admin, migration, demo, test).
            from treatments.models.allergies import Allergen

            Allergen.objects.own_allergen_of(self)

    @property
    def name_for_patients(self) -> str:
        """As a patient's document names it, in the active language: "Vitamine C (acide ascorbique)"."""
        return self.patient_name or self.name

    def clean(self) -> None:
        if self.typical_amount and self.unit:
            maximum, maximum_unit = self.maximum_in_own_unit()
            if maximum is not None and convert_dose(self.typical_amount, self.unit, maximum_unit) > maximum:
                raise ValidationError({"typical_amount": _("The typical amount cannot be above the maximum.")})

    @property
    def per_ml_unit(self) -> str:
        """The unit of `max_per_ml`: the ingredient's own when it is a strength, else its unit per mL."""
        return self.unit if UNIT_KIND_AND_FACTOR[self.unit][0] == "concentration" else f"{self.unit}/mL"

    @property
    def per_session_unit(self) -> str:
        """The unit of `max_per_session`: the ingredient's own when it is an amount, else mg."""
        return Unit.MG if UNIT_KIND_AND_FACTOR[self.unit][0] == "concentration" else self.unit

    @property
    def has_limits(self) -> bool:
        return self.max_per_ml is not None and self.max_per_session is not None

    def maximum_in_own_unit(self) -> tuple[Decimal | None, str]:
        """The maximum that is measured like the ingredient's own unit, with its unit."""
        if UNIT_KIND_AND_FACTOR[self.unit][0] == "concentration":
            return self.max_per_ml, self.per_ml_unit
        return self.max_per_session, self.per_session_unit

    def dose_problems(self, amount: Decimal, unit: str, total_volume_ml: Decimal) -> list[str]:
        """What is above this ingredient's maximums in `amount` `unit` of a cocktail of
        `total_volume_ml`: a strength gives amount × volume in the session, an amount gives
        amount ÷ volume per mL."""
        total_volume_ml = Decimal(str(total_volume_ml))
        per_ml, per_session = dose(amount, unit, total_volume_ml)
        typed, volume = format_amount(amount, unit), format_amount(total_volume_ml, Unit.ML)
        is_strength = UNIT_KIND_AND_FACTOR[unit][0] == "concentration"
        problems = []
        if self.max_per_ml is not None and per_ml > convert_dose(self.max_per_ml, self.per_ml_unit):
            maximum = format_amount(self.max_per_ml, self.per_ml_unit)
            if is_strength:
                problem = _("%(ingredient)s: %(typed)s is above the maximum per mL (%(maximum)s).")
            else:
                problem = _(
                    "%(ingredient)s: %(typed)s in %(volume)s (%(per_ml)s) is above the maximum per mL (%(maximum)s)."
                )
            problems.append(
                problem
                % {
                    "ingredient": self,
                    "typed": typed,
                    "volume": volume,
                    "per_ml": format_dose(per_ml, self.per_ml_unit),
                    "maximum": maximum,
                }
            )
        if self.max_per_session is not None and per_session > convert_dose(self.max_per_session, self.per_session_unit):
            if is_strength:
                problem = _(
                    "%(ingredient)s: %(given)s in a session (%(typed)s × %(volume)s) is above the maximum per session "
                    "(%(maximum)s)."
                )
            else:
                problem = _("%(ingredient)s: %(given)s in a session is above the maximum per session (%(maximum)s).")
            problems.append(
                problem
                % {
                    "ingredient": self,
                    "given": format_dose(per_session, self.per_session_unit),
                    "typed": typed,
                    "volume": volume,
                    "maximum": format_amount(self.max_per_session, self.per_session_unit),
                }
            )
        return problems


class TreatmentArea(models.Model):
    class Technique(models.TextChoices):
        NAPPAGE = "nappage", gettext_lazy("Nappage")
        PAPULE = "papule", gettext_lazy("Papule")
        POINT_BY_POINT = "point_by_point", gettext_lazy("Point by point")
        DEEP = "deep", gettext_lazy("Deep (body fat)")

    name = models.CharField(gettext_lazy("name"), max_length=80, unique=True)
    default_minutes = models.PositiveSmallIntegerField(
        gettext_lazy("default minutes"),
        validators=[MinValueValidator(15), MaxValueValidator(60)],
        help_text=gettext_lazy("Slot length the booking suggests."),
    )
    typical_volume_ml = models.DecimalField(
        gettext_lazy("typical volume per session (mL)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(20))],
    )
    max_volume_ml = models.DecimalField(
        gettext_lazy("most plausible volume per session (mL)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(20))],
        help_text=gettext_lazy("A recorded or planned volume above this is refused as a typing error."),
    )
    technique = models.CharField(gettext_lazy("technique"), max_length=20, choices=Technique.choices)
    depth_mm = models.DecimalField(gettext_lazy("depth (mm)"), max_digits=4, decimal_places=1)
    needle = models.CharField(
        gettext_lazy("needle"), max_length=40, help_text=gettext_lazy("Gauge and length, e.g. 30 G 4 mm.")
    )
    patient_name = models.CharField(
        gettext_lazy("name for patients"),
        max_length=80,
        help_text=gettext_lazy("Plain words on the patient's documents, e.g. Around the eyes (not Periorbital)."),
    )
    aftercare_notes = models.TextField(
        gettext_lazy("aftercare notes"), blank=True, help_text=gettext_lazy("Printed on this area's aftercare sheets.")
    )
    active = models.BooleanField(gettext_lazy("active"), default=True)
    # Its history, French included, is registered with its languages (treatments/translation.py).

    class Meta:
        verbose_name = gettext_lazy("treatment area")
        verbose_name_plural = gettext_lazy("treatment areas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
