import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from treatments.models.courses import TreatmentPlan, TreatmentSession


class Override(models.Model):
    """A dermatologist's decision to go ahead although a rule refused: which rule, what it
    said, who decided, when and why. Part of the record: it shows on the session, the course
    and the chart, and it is never edited.

    One with a session is for that session. One without is for the whole course: only a
    safety block is overridden so (decided at planning or activation), and `finding_key`
    names the block, so it covers that block at each of the course's sessions and no other."""

    class Rule(models.TextChoices):
        SPACING = "spacing", gettext_lazy("Closer than the course's minimum spacing")
        ORDER = "order", gettext_lazy("Out of course order")
        AREA_SPACING = "area_spacing", gettext_lazy("Same area treated in another course too recently")
        BLOCK = "block", gettext_lazy("Safety block")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(
        TreatmentPlan, verbose_name=gettext_lazy("plan"), on_delete=models.PROTECT, related_name="overrides"
    )
    session = models.ForeignKey(
        TreatmentSession,
        verbose_name=gettext_lazy("session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overrides",
    )
    rule = models.CharField(gettext_lazy("rule"), max_length=20, choices=Rule.choices)
    finding = models.CharField(
        gettext_lazy("finding"),
        max_length=500,
        help_text=gettext_lazy("What the rule said, as the dermatologist read it."),
    )
    finding_key = models.CharField(
        max_length=120, blank=True, default="", help_text=gettext_lazy("The safety finding a block override answers.")
    )
    reason = models.TextField(gettext_lazy("reason"), max_length=1000)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("overridden by"), on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(gettext_lazy("overridden at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = gettext_lazy("override")
        verbose_name_plural = gettext_lazy("overrides")
        ordering = ["overridden_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(session__isnull=False) | (models.Q(rule="block") & ~models.Q(finding_key="")),
                name="override_of_a_session_or_a_course_block",
            )
        ]

    def __str__(self) -> str:
        return _("%(rule)s overridden by %(who)s") % {"rule": self.get_rule_display(), "who": self.overridden_by}

    @property
    def is_for_the_course(self) -> bool:
        return self.session_id is None
