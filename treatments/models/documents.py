import math
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from treatments.models.catalog import Ingredient, TreatmentArea
from treatments.models.courses import TreatmentPlan, TreatmentSession

HOURS_PER_UNIT = {"hour": 1, "day": 24, "week": 24 * 7, "month": 24 * 30}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
NUMBER = r"\d+|" + "|".join(NUMBER_WORDS)
# "24 hours", "2 to 3 days", "one to two weeks", "48 hours, then sunscreen for a week"
FIGURE = re.compile(
    rf"\b(?P<number>{NUMBER})(?:\s*(?:to|-|–|or)\s*(?P<upper>{NUMBER}))?\s*(?P<unit>hour|day|week|month)s?\b",
    re.IGNORECASE,
)


def number(word: str) -> int:
    return NUMBER_WORDS.get(word.lower()) or int(word)


def hours_of(duration: str) -> float | None:
    """How long a duration holds, in hours, to compare instructions: the longest figure it
    names ("2 to 3 days" is 72), infinite for "always", None when it names none."""
    if duration.strip().lower() == "always":
        return math.inf
    figures = [
        max(number(m["number"]), number(m["upper"] or "0")) * HOURS_PER_UNIT[m["unit"].lower()]
        for m in FIGURE.finditer(duration)
    ]
    return max(figures, default=None)


class AftercareTopic(models.Model):
    """One line of an aftercare sheet, editable by the clinic: an effect to expect, an
    instruction, a warning sign, or advice before a session. With an area or an ingredient it
    appears only on sheets of sessions that treat that area or contain that ingredient.

    Topics of one kind with the same title are one line on a sheet: when several apply
    (the clinic's default, an area's, an ingredient's), the one that holds longest is printed
    and the others are left out, so a sheet never gives two durations for one instruction.

    Its title, duration and advice are written in English and in French (treatments/translation.py):
    lines are matched and compared by their English, which every row has."""

    class Kind(models.TextChoices):
        EFFECT = "effect", _("What you may notice")
        INSTRUCTION = "instruction", _("What to avoid")
        WARNING = "warning", _("When to call the clinic")
        BEFORE = "before", _("Before your session")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120, help_text=_("e.g. Redness, No make-up."))
    duration = models.CharField(_("duration"), max_length=120, blank=True, help_text=_("e.g. a day or two; 24 hours."))
    advice = models.TextField(_("advice"), blank=True, help_text=_("What to do, in plain words."))
    area = models.ForeignKey(
        TreatmentArea, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("area")
    )
    ingredient = models.ForeignKey(
        Ingredient, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("ingredient")
    )
    not_for_areas = models.ManyToManyField(
        TreatmentArea,
        blank=True,
        related_name="+",
        verbose_name=_("not for areas"),
        help_text=_("Left out of sheets that treat only these areas (no make-up instruction for the scalp)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order on the sheet."))
    active = models.BooleanField(_("active"), default=True)

    # Its history, French included, is registered with its languages (treatments/translation.py).

    class Meta:
        verbose_name = _("aftercare topic")
        verbose_name_plural = _("aftercare topics")
        ordering = ["kind", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area__isnull=True) | models.Q(ingredient__isnull=True),
                name="aftercare_topic_one_scope",
            )
        ]

    def __str__(self) -> str:
        return _("%(kind)s: %(title)s (%(scope)s)") % {
            "kind": self.get_kind_display(),
            "title": self.title,
            "scope": self.area or self.ingredient or _("all sessions"),
        }

    def clean(self) -> None:
        # Instructions with the same title are compared by how long they hold. The English is compared;
        # it is the field the admin shows as "duration [en]".
        if self.kind == self.Kind.INSTRUCTION and self.hours is None:
            raise ValidationError(
                {"duration_en": _('Give the duration in hours, days, weeks or months (e.g. "48 hours"), or "always".')}
            )

    @property
    def hours(self) -> float | None:
        return hours_of(self.duration_en or self.duration)

    @property
    def key(self) -> tuple[str, str]:
        """Topics with the same key are one line on a sheet, in either language."""
        return self.kind, " ".join((self.title_en or self.title).lower().split())


class DocumentHandover(models.Model):
    """A document given to a patient: downloaded (who, when, from where) or handed over on paper."""

    class Document(models.TextChoices):
        AFTERCARE = "aftercare", _("Aftercare sheet")
        PLAN = "plan", _("Course plan")

    class Channel(models.TextChoices):
        DOWNLOAD = "download", _("Downloaded")
        PAPER = "paper", _("Handed over on paper")

    document = models.CharField(_("document"), max_length=10, choices=Document.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.DOWNLOAD)
    session = models.ForeignKey(
        TreatmentSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="handovers",
        verbose_name=_("session"),
    )
    plan = models.ForeignKey(
        TreatmentPlan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="handovers",
        verbose_name=_("course"),
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("document handover")
        verbose_name_plural = _("document handovers")
        ordering = ["-at"]

    def __str__(self) -> str:
        return _("%(document)s %(channel)s by %(by)s") % {
            "document": self.get_document_display(),
            "channel": str(self.get_channel_display()).lower(),
            "by": self.by,
        }
