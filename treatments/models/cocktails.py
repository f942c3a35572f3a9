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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from clinic import roles
from treatments.models.catalog import Indication, Ingredient, Unit, format_amount, units_fit


class FrozenFormulation(Exception):
    """A formulation version that a session used cannot change; revise it into a new version."""


class FormulationQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        if roles.abilities_of(user).see_clinical:
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

    name = models.CharField(gettext_lazy("name"), max_length=120)
    indication = models.CharField(gettext_lazy("indication"), max_length=20, choices=Indication.choices)
    patient = models.ForeignKey(
        "patients.Patient",
        verbose_name=gettext_lazy("patient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="formulations",
    )
    total_volume_ml = models.DecimalField(
        gettext_lazy("total volume per session (mL)"),
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.5"), gettext_lazy("The total volume must be at least 0.5 mL.")),
            MaxValueValidator(Decimal(20), gettext_lazy("The total volume must be at most 20 mL.")),
        ],
    )
    notes = models.TextField(gettext_lazy("notes"), blank=True)
    lineage = models.UUIDField(
        gettext_lazy("lineage"),
        default=uuid.uuid4,
        editable=False,
        help_text=gettext_lazy("Shared by every version of a cocktail."),
    )
    version = models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("previous version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="next_versions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("created at"), default=timezone.now, editable=False)
    frozen_at = models.DateTimeField(
        gettext_lazy("frozen at"),
        null=True,
        blank=True,
        editable=False,
        help_text=gettext_lazy("Set when a session first uses this version."),
    )

    objects = FormulationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = gettext_lazy("formulation")
        verbose_name_plural = gettext_lazy("formulations")
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
        if self.version > 1:
            return _("%(name)s (v%(version)s)") % {"name": self.name, "version": self.version}
        return self.name

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
    formulation = models.ForeignKey(
        Formulation, verbose_name=gettext_lazy("formulation"), on_delete=models.CASCADE, related_name="lines"
    )
    ingredient = models.ForeignKey(
        Ingredient, verbose_name=gettext_lazy("ingredient"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(gettext_lazy("amount"), max_digits=10, decimal_places=3)
    unit = models.CharField(gettext_lazy("unit"), max_length=6, choices=Unit.choices)

    objects = FormulationLineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = gettext_lazy("formulation line")
        verbose_name_plural = gettext_lazy("formulation lines")
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
            raise ValidationError({"amount": _("Enter an amount above zero.")})
        if not units_fit(self.unit, ingredient.unit):
            raise ValidationError(
                {
                    "unit": _("%(ingredient)s is measured in %(unit)s; %(other)s does not convert to it.")
                    % {"ingredient": ingredient, "unit": ingredient.unit, "other": self.unit}
                }
            )
        try:
            total_volume = self.formulation.total_volume_ml
        except Formulation.DoesNotExist:
            total_volume = None  # a line form on its own: its cocktail's volume is checked with the cocktail
        if total_volume and (problems := ingredient.dose_problems(self.amount, self.unit, total_volume)):
            raise ValidationError({"amount": problems})


class SafetyAcknowledgement(models.Model):
    """A dermatologist's recorded decision to go ahead despite a warning for this patient,
    this formulation version and one course (`plan`); without a course, one given on the
    cocktail's page, which the next course planned with it takes over. Blocks cannot be
    acknowledged."""

    patient = models.ForeignKey(
        "patients.Patient", verbose_name=gettext_lazy("patient"), on_delete=models.PROTECT, related_name="+"
    )
    formulation = models.ForeignKey(
        Formulation, verbose_name=gettext_lazy("formulation"), on_delete=models.PROTECT, related_name="acknowledgements"
    )
    plan = models.ForeignKey(
        "treatments.TreatmentPlan",
        verbose_name=gettext_lazy("plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acknowledgements",
    )
    finding_key = models.CharField(max_length=80)
    finding = models.TextField(gettext_lazy("finding"), help_text=gettext_lazy("The warning as it was shown."))
    reason = models.TextField(gettext_lazy("reason"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("acknowledged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(gettext_lazy("acknowledged at"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("safety acknowledgement")
        verbose_name_plural = gettext_lazy("safety acknowledgements")
        ordering = ["acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "formulation", "finding_key"],
                condition=models.Q(plan__isnull=False),
                name="acknowledge_a_finding_once_per_course",
            ),
            models.UniqueConstraint(
                fields=["patient", "formulation", "finding_key"],
                condition=models.Q(plan__isnull=True),
                name="acknowledge_a_finding_once_before_a_course",
            ),
        ]

    def __str__(self) -> str:
        return _("%(finding)s — acknowledged by %(who)s") % {"finding": self.finding, "who": self.acknowledged_by}


# A year between sessions is the most a course can mean; it also keeps dates computable.
