import uuid
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from clinic import roles


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

    objects = IngredientQuerySet.as_manager()

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

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FrozenFormulation(Exception):
    """A formulation version that a session used cannot change; revise it into a new version."""


class FormulationQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        if roles.is_dermatologist(user):
            return self
        return self.none()

    def current(self) -> Self:
        """The latest version of each cocktail."""
        return self.filter(next_versions__isnull=True)

    def templates(self) -> Self:
        return self.filter(patient__isnull=True)

    def update(self, **kwargs) -> int:
        if self.filter(frozen_at__isnull=False).exists():
            raise FrozenFormulation("A formulation used in a session cannot change.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict]:
        if self.filter(frozen_at__isnull=False).exists():
            raise FrozenFormulation("A formulation used in a session cannot be deleted.")
        return super().delete()


class Formulation(models.Model):
    """A cocktail: a clinic template (no patient) or a patient's own. Each edit of a version
    used by a session makes a new version, so records always show what was injected."""

    name = models.CharField(max_length=120)
    indication = models.CharField(max_length=20, choices=Indication.choices)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="formulations"
    )
    total_volume_ml = models.DecimalField(
        "total volume per session (mL)",
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.5"), "The total volume must be at least 0.5 mL."),
            MaxValueValidator(Decimal(20), "The total volume must be at most 20 mL."),
        ],
    )
    notes = models.TextField(blank=True)
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, help_text="Shared by every version of a cocktail.")
    version = models.PositiveIntegerField(default=1, editable=False)
    previous_version = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="next_versions"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    frozen_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Set when a session first uses this version."
    )

    objects = FormulationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_volume_ml__gte=Decimal("0.5")) & models.Q(total_volume_ml__lte=20),
                name="formulation_volume_in_range",
            ),
            # Two dermatologists revising the same version at once cannot both make "the next one".
            models.UniqueConstraint(fields=["lineage", "version"], name="formulation_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})" if self.version > 1 else self.name

    def save(self, *args, **kwargs) -> None:
        # The one rule save() keeps: the database row of a used version never changes.
        if self.pk and type(self).objects.filter(pk=self.pk, frozen_at__isnull=False).exists():
            raise FrozenFormulation(f"{self} was used in a session and cannot change; revise it instead.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("formulation_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, frozen_at__isnull=False).exists():
            raise FrozenFormulation(f"{self} was used in a session and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_template(self) -> bool:
        return self.patient_id is None

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @cached_property
    def revising_makes_new_version(self) -> bool:
        """Used by a session or planned in a course, or answered by an acknowledged warning:
        this version must stay as it is, so revising it makes the next version."""
        return self.is_frozen or self.acknowledgements.exists() or self.plans.exists()

    def freeze(self) -> None:
        """Mark this version as used by a session; from now on it never changes."""
        if self.frozen_at is None:
            self.frozen_at = timezone.now()
            type(self).objects.filter(pk=self.pk, frozen_at__isnull=True).update(frozen_at=self.frozen_at)

    freeze.alters_data = True

    def versions(self) -> list["Formulation"]:
        """Every version of this cocktail, oldest first."""
        return list(Formulation.objects.filter(lineage=self.lineage).order_by("version").select_related("created_by"))


class FormulationLineQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        if self.filter(formulation__frozen_at__isnull=False).exists():
            raise FrozenFormulation("Lines of a formulation used in a session cannot change.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict]:
        if self.filter(formulation__frozen_at__isnull=False).exists():
            raise FrozenFormulation("Lines of a formulation used in a session cannot change.")
        return super().delete()


class FormulationLine(models.Model):
    formulation = models.ForeignKey(Formulation, on_delete=models.CASCADE, related_name="lines")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=10, decimal_places=3)
    unit = models.CharField(max_length=6, choices=Unit.choices)

    objects = FormulationLineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["formulation", "ingredient"], name="formulation_line_unique_ingredient"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="formulation_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.ingredient}: {format_amount(self.amount, self.unit)}"

    def save(self, *args, **kwargs) -> None:
        if Formulation.objects.filter(pk=self.formulation_id, frozen_at__isnull=False).exists():
            raise FrozenFormulation(f"{self.formulation} was used in a session; its lines cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Formulation.objects.filter(pk=self.formulation_id, frozen_at__isnull=False).exists():
            raise FrozenFormulation(f"{self.formulation} was used in a session; its lines cannot change.")
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        if self.amount is None or not self.unit or self.ingredient_id is None:
            return  # clean_fields() has reported it already
        ingredient = self.ingredient
        if self.amount <= 0:
            raise ValidationError({"amount": "Enter an amount above zero."})
        if not units_fit(self.unit, ingredient.unit):
            raise ValidationError(
                {"unit": f"{ingredient} is measured in {ingredient.unit}; {self.unit} does not convert to it."}
            )
        if ingredient.max_amount is not None:
            in_ingredient_unit = convert(self.amount, self.unit, ingredient.unit)
            if in_ingredient_unit > ingredient.max_amount:
                raise ValidationError(
                    {
                        "amount": f"{ingredient}: {format_amount(self.amount, self.unit)} is above the maximum of "
                        f"{format_amount(ingredient.max_amount, ingredient.unit)} per session."
                    }
                )


class SafetyAcknowledgement(models.Model):
    """A dermatologist's recorded decision to go ahead despite a warning for this patient
    and this formulation version. Blocks cannot be acknowledged."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    formulation = models.ForeignKey(Formulation, on_delete=models.PROTECT, related_name="acknowledgements")
    finding_key = models.CharField(max_length=80)
    finding = models.TextField(help_text="The warning as it was shown.")
    reason = models.TextField()
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "formulation", "finding_key"], name="acknowledge_a_finding_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finding} — acknowledged by {self.acknowledged_by}"


# A year between sessions is the most a course can mean; it also keeps dates computable.
MAX_SPACING_DAYS = 365
SPACING_LIMIT = MaxValueValidator(MAX_SPACING_DAYS, "At most 365 days.")
MAINTENANCE_LIMITS = [
    MinValueValidator(7, "Maintenance sessions must be at least 7 days apart."),
    MaxValueValidator(2 * MAX_SPACING_DAYS, "At most 730 days."),
]


def spacing_errors(min_days: int | None, interval_days: int | None, max_days: int | None) -> dict[str, str]:
    """The fields at fault when a course's spacing (days between sessions) is impossible."""
    if not all((min_days, interval_days, max_days)):
        return {}
    if min_days > max_days:
        return {
            "min_days": "The minimum cannot be more than the maximum.",
            "max_days": "The maximum cannot be less than the minimum.",
        }
    if not min_days <= interval_days <= max_days:
        return {"interval_days": "The interval must lie between the minimum and the maximum spacing."}
    return {}


class Protocol(models.Model):
    """A clinic's default course for an indication: the plan form starts from it."""

    name = models.CharField(max_length=120, unique=True)
    indication = models.CharField(max_length=20, choices=Indication.choices)
    sessions = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(52)])
    interval_days = models.PositiveSmallIntegerField(validators=[MinValueValidator(3), SPACING_LIMIT])
    min_days = models.PositiveSmallIntegerField(
        "minimum days between sessions",
        validators=[MinValueValidator(3), SPACING_LIMIT],
        help_text="Closer sessions warn.",
    )
    max_days = models.PositiveSmallIntegerField("maximum days between sessions", validators=[SPACING_LIMIT])
    maintenance_interval_days = models.PositiveSmallIntegerField(null=True, blank=True, validators=MAINTENANCE_LIMITS)
    maintenance_count = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(12)])
    default_areas = models.ManyToManyField(TreatmentArea, blank=True, related_name="+")
    default_formulation = models.ForeignKey(
        Formulation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"patient__isnull": True},
        help_text="The clinic template a new plan starts from.",
    )
    notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if errors := spacing_errors(self.min_days, self.interval_days, self.max_days):
            raise ValidationError(errors)
        if self.maintenance_count and not self.maintenance_interval_days:
            raise ValidationError({"maintenance_interval_days": "Give the interval of the maintenance sessions."})


class TreatmentPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        if roles.is_staff_member(user):
            return self
        if roles.is_patient(user):
            # A draft is the dermatologist's work in progress, not yet the patient's plan.
            return self.filter(patient__portal_user=user).exclude(status=TreatmentPlan.Status.DRAFT)
        return self.none()


class TreatmentPlan(models.Model):
    """A course of sessions for one patient with one cocktail version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="plans")
    prescriber = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    indication = models.CharField(max_length=20, choices=Indication.choices)
    formulation = models.ForeignKey(Formulation, on_delete=models.PROTECT, related_name="plans")
    sessions_planned = models.PositiveSmallIntegerField(
        "number of sessions", validators=[MinValueValidator(1, "Plan at least one session."), MaxValueValidator(52)]
    )
    interval_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(3, "Sessions must be at least 3 days apart."), SPACING_LIMIT]
    )
    min_days = models.PositiveSmallIntegerField(
        "minimum days between sessions",
        validators=[MinValueValidator(3, "Sessions must be at least 3 days apart."), SPACING_LIMIT],
    )
    max_days = models.PositiveSmallIntegerField("maximum days between sessions", validators=[SPACING_LIMIT])
    maintenance_interval_days = models.PositiveSmallIntegerField(null=True, blank=True, validators=MAINTENANCE_LIMITS)
    maintenance_count = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(12)])
    start_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    stop_reason = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TreatmentPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_days__lte=models.F("interval_days"))
                & models.Q(interval_days__lte=models.F("max_days")),
                name="plan_interval_within_spacing",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="stopped") | ~models.Q(stop_reason=""), name="plan_stopped_with_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indication_display()} course for {self.patient.full_name}"

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.pk])

    def clean(self) -> None:
        if errors := spacing_errors(self.min_days, self.interval_days, self.max_days):
            raise ValidationError(errors)
        if self.maintenance_count and not self.maintenance_interval_days:
            raise ValidationError({"maintenance_interval_days": "Give the interval of the maintenance sessions."})
        if self.status == self.Status.STOPPED and not self.stop_reason:
            raise ValidationError({"stop_reason": "Say why the course was stopped."})


class PlanArea(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="areas")
    area = models.ForeignKey(TreatmentArea, on_delete=models.PROTECT, related_name="+")
    volume_ml = models.DecimalField(
        "volume per session (mL)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.1"), "Plan at least 0.1 mL for an area.")],
    )

    class Meta:
        ordering = ["area__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "area"], name="plan_area_once")]

    def __str__(self) -> str:
        return f"{self.area}: {self.volume_ml.normalize():f} mL"


class TreatmentSessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        if roles.is_staff_member(user):
            return self
        if roles.is_patient(user):
            return self.filter(plan__patient__portal_user=user)
        return self.none()


class TreatmentSession(models.Model):
    """One planned or done session of a course, and once done, what was injected."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        BOOKED = "booked", "Booked"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"
        MISSED = "missed", "Missed"

    class Reaction(models.TextChoices):
        NONE = "none", "None"
        REDNESS = "redness", "Redness"
        SWELLING = "swelling", "Swelling"
        BRUISING = "bruising", "Bruising"
        OTHER = "other", "Other (describe)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    maintenance = models.BooleanField(default=False)
    target_date = models.DateField()
    earliest_date = models.DateField()
    latest_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)

    done_at = models.DateTimeField(null=True, blank=True)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    formulation = models.ForeignKey(
        Formulation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text="The cocktail version injected; frozen from then on.",
    )
    reaction = models.CharField("immediate reaction", max_length=10, choices=Reaction.choices, blank=True)
    reaction_notes = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    objects = TreatmentSessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="session_number_unique"),
            models.CheckConstraint(
                condition=models.Q(earliest_date__lte=models.F("latest_date")), name="session_window_ordered"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done")
                | (
                    models.Q(done_at__isnull=False)
                    & models.Q(practitioner__isnull=False)
                    & models.Q(formulation__isnull=False)
                ),
                name="session_done_is_recorded",
            ),
        ]

    def __str__(self) -> str:
        kind = "maintenance session" if self.maintenance else "session"
        return f"{kind.capitalize()} {self.number} of {self.plan.patient.full_name}'s course"

    def get_absolute_url(self) -> str:
        return reverse("session_detail", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def can_be_recorded(self) -> bool:
        """Not yet done, in an active course that has started (record_session refuses earlier dates)."""
        plan = self.plan
        return not self.is_done and plan.status == plan.Status.ACTIVE and plan.start_date <= timezone.localdate()

    def is_overdue(self, today=None) -> bool:
        """Its window has passed and it is neither done nor called off, nor booked for a day
        still to come (a booked session's target is its appointment's day)."""
        today = today or timezone.localdate()
        if today <= self.latest_date:
            return False
        return self.status == self.Status.PLANNED or (self.status == self.Status.BOOKED and today > self.target_date)

    def clean(self) -> None:
        if self.status == self.Status.DONE:
            if not self.reaction:
                raise ValidationError({"reaction": "Record the immediate reaction (or none)."})
            if self.reaction == self.Reaction.OTHER and not self.reaction_notes.strip():
                raise ValidationError({"reaction_notes": "Describe the reaction."})

    def booking_window(self, today=None) -> tuple:
        """The days it may be booked on: its window, or for an overdue session a window of
        the same length from today, to catch up as soon as possible."""
        today = today or timezone.localdate()
        if today > self.latest_date:
            return today, today + (self.latest_date - self.earliest_date)
        return self.earliest_date, self.latest_date


class SessionArea(models.Model):
    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="areas")
    area = models.ForeignKey(TreatmentArea, on_delete=models.PROTECT, related_name="+")
    volume_ml = models.DecimalField(
        "volume injected (mL)", max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    technique = models.CharField(max_length=20, choices=TreatmentArea.Technique.choices)

    class Meta:
        ordering = ["area__name"]
        constraints = [models.UniqueConstraint(fields=["session", "area"], name="session_area_once")]

    def __str__(self) -> str:
        return f"{self.area}: {self.volume_ml.normalize():f} mL, {self.get_technique_display().lower()}"


class SessionLot(models.Model):
    """A vial or product used in a session: what a recall searches."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="lots")
    product = models.CharField(max_length=120)
    lot_number = models.CharField(max_length=60, db_index=True)
    expiry_date = models.DateField()

    class Meta:
        ordering = ["product"]

    def __str__(self) -> str:
        return f"{self.product}, lot {self.lot_number} (exp. {self.expiry_date:%m/%Y})"


class SessionAmendment(models.Model):
    """A correction of a recorded session; the original values stay in `changes`."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="amendments")
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)
    changes = models.JSONField(help_text="Field name to [value before, value after].")

    class Meta:
        ordering = ["amended_at"]

    def __str__(self) -> str:
        return f"Amendment of {self.session} by {self.amended_by}"


class AftercareTopic(models.Model):
    """One line of an aftercare sheet, editable by the clinic: an effect to expect, an
    instruction, a warning sign, or advice before a session. With an area or an ingredient it
    appears only on sheets of sessions that treat that area or contain that ingredient."""

    class Kind(models.TextChoices):
        EFFECT = "effect", "What you may notice"
        INSTRUCTION = "instruction", "What to avoid"
        WARNING = "warning", "When to call the clinic"
        BEFORE = "before", "Before your session"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=120, help_text="e.g. Redness, No make-up.")
    duration = models.CharField(max_length=120, blank=True, help_text="e.g. a day or two; 24 hours.")
    advice = models.TextField(blank=True, help_text="What to do, in plain words.")
    area = models.ForeignKey(TreatmentArea, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the sheet.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area__isnull=True) | models.Q(ingredient__isnull=True),
                name="aftercare_topic_one_scope",
            )
        ]

    def __str__(self) -> str:
        scope = self.area or self.ingredient or "all sessions"
        return f"{self.get_kind_display()}: {self.title} ({scope})"


class DocumentHandover(models.Model):
    """A document given to a patient: downloaded (who, when, from where) or handed over on paper."""

    class Document(models.TextChoices):
        AFTERCARE = "aftercare", "Aftercare sheet"
        PLAN = "plan", "Course plan"

    class Channel(models.TextChoices):
        DOWNLOAD = "download", "Downloaded"
        PAPER = "paper", "Handed over on paper"

    document = models.CharField(max_length=10, choices=Document.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.DOWNLOAD)
    session = models.ForeignKey(
        TreatmentSession, on_delete=models.CASCADE, null=True, blank=True, related_name="handovers"
    )
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="handovers")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_document_display()} {self.get_channel_display().lower()} by {self.by}"
