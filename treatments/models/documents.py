from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from treatments.models.catalog import Ingredient, TreatmentArea
from treatments.models.courses import TreatmentPlan, TreatmentSession


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

    history = HistoricalRecords()  # a clinical default, as the ingredients' limits

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
