"""Consent forms the clinic writes, the versions patients sign, and the medical questionnaire.

A form is the clinic's template; what a patient signs is one of its versions, which never
changes once published: a new wording is a new version. A signature keeps the version, the
exact text's SHA-256 and the PDF made when it was signed, so what was agreed to can be shown
years later as it was. Answers to the questionnaire never change the chart: they become
proposals a dermatologist accepts or dismisses (consents.intake).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from treatments.models import Indication


class ConsentForm(models.Model):
    class Purpose(models.TextChoices):
        TREATMENT = "treatment", _("Treatment")
        PHOTOS_RECORD = "photos_record", _("Photos for the clinical record")
        PHOTOS_TEACHING = "photos_teaching", _("Anonymised photos for teaching")
        PHOTOS_MARKETING = "photos_marketing", _("Photos for the clinic's communication")

    class Validity(models.TextChoices):
        ONCE = "once", _("Once: valid until withdrawn")
        COURSE = "course", _("For one course")
        MONTHS = "months", _("For a number of months")

    name = models.CharField(_("name"), max_length=120, unique=True, help_text=_("As the staff know it."))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.TREATMENT)
    indications = models.JSONField(
        _("indications"),
        default=list,
        blank=True,
        help_text=_("The indications whose courses need it. None and no protocol: every course."),
    )
    protocols = models.ManyToManyField(
        "treatments.Protocol",
        verbose_name=_("protocols"),
        blank=True,
        related_name="+",
        help_text=_("The protocols whose courses need it, besides the indications."),
    )
    validity = models.CharField(_("validity"), max_length=10, choices=Validity.choices, default=Validity.ONCE)
    validity_months = models.PositiveSmallIntegerField(
        _("months valid"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consent form")
        verbose_name_plural = _("consent forms")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.validity == self.Validity.MONTHS and not self.validity_months:
            raise ValidationError({"validity_months": _("Say for how many months a signature is valid.")})
        if self.validity != self.Validity.MONTHS and self.validity_months:
            raise ValidationError({"validity_months": _("Months apply only to a validity in months.")})
        unknown = set(self.indications or []) - set(Indication.values)
        if unknown:
            raise ValidationError({"indications": _("Unknown indication: %(codes)s.") % {"codes": ", ".join(unknown)}})

    def current_version(self) -> "ConsentVersion | None":
        return self.versions.order_by("-number").first()


class ConsentVersion(models.Model):
    """One wording of a form, in both languages; published once, never changed."""

    form = models.ForeignKey(ConsentForm, verbose_name=_("form"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20000)
    requires_new_signature = models.BooleanField(
        _("patients sign again"),
        default=True,
        help_text=_("Patients who signed an earlier version must sign this one before their next session."),
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("consent form version")
        verbose_name_plural = _("consent form versions")
        ordering = ["form", "-number"]
        constraints = [models.UniqueConstraint(fields=["form", "number"], name="one_number_per_consent_version")]

    def __str__(self) -> str:
        return _("%(form)s, version %(number)s") % {"form": self.form, "number": self.number}


class ConsentSignatureQuerySet(models.QuerySet):
    def standing(self) -> "ConsentSignatureQuerySet":
        """Signed and not withdrawn; whether it still covers a course is consents.gate's."""
        return self.filter(withdrawn_at__isnull=True)


class ConsentSignature(models.Model):
    class Method(models.TextChoices):
        DRAWN = "drawn", _("Signature drawn on screen")
        TYPED = "typed", _("Full name typed")
        PAPER = "paper", _("Paper form")

    class Channel(models.TextChoices):
        KIOSK = "kiosk", _("At the clinic, on a tablet")
        PORTAL = "portal", _("In the patient portal")
        PAPER = "paper", _("On paper, recorded by the staff")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="consent_signatures"
    )
    version = models.ForeignKey(
        ConsentVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="signatures"
    )
    course = models.ForeignKey(
        "treatments.TreatmentPlan",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a form valid for one course: the course it was signed for."),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    text_sha256 = models.CharField(_("SHA-256 of the text signed"), max_length=64)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    channel = models.CharField(_("where"), max_length=10, choices=Channel.choices)
    typed_name = models.CharField(_("name typed"), max_length=201, blank=True)
    drawing = models.BinaryField(_("signature drawn"), null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("signed at"))
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("witnessed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    device = models.CharField(_("device"), max_length=300, blank=True)
    # The signed PDF, or the scan of a paper form: kept as made, with its own digest.
    document = models.BinaryField(_("document"), null=True, blank=True, editable=False)
    document_type = models.CharField(_("document type"), max_length=40, blank=True)
    document_sha256 = models.CharField(_("SHA-256 of the document"), max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)

    objects = ConsentSignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent signature")
        verbose_name_plural = _("consent signatures")
        ordering = ["-signed_at"]
        indexes = [models.Index(fields=["patient", "-signed_at"], name="consent_signatures_of_patient")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(method="typed") | ~models.Q(typed_name=""), name="typed_signature_has_name"
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdrawal_reason=""),
                name="withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return _("%(version)s signed by %(patient)s") % {"version": self.version, "patient": self.patient}


class IntakeResponse(models.Model):
    """One answering of the medical questionnaire: the full one before the first session, or
    the short "has anything changed?" at a later visit."""

    class Kind(models.TextChoices):
        FULL = "full", _("Medical questionnaire")
        UPDATE = "update", _("Anything changed since last time")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="intake_responses"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    answers = models.JSONField(_("answers"), default=dict)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    channel = models.CharField(_("where"), max_length=10, choices=ConsentSignature.Channel.choices)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("questionnaire answers")
        verbose_name_plural = _("questionnaire answers")
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["patient", "-answered_at"], name="intake_responses_of_patient")]

    def __str__(self) -> str:
        return _("%(kind)s of %(patient)s") % {"kind": self.get_kind_display(), "patient": self.patient}


class IntakeProposal(models.Model):
    """An answer that may belong in the chart: a dermatologist accepts it into the patient's
    conditions or allergies, or dismisses it with a note."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To review")
        ACCEPTED = "accepted", _("Accepted into the chart")
        DISMISSED = "dismissed", _("Dismissed")

    response = models.ForeignKey(
        IntakeResponse, verbose_name=_("answers"), on_delete=models.PROTECT, related_name="proposals"
    )
    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="intake_proposals"
    )
    question = models.CharField(_("question"), max_length=40)
    contraindication = models.ForeignKey(
        "patients.Contraindication",
        verbose_name=_("condition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.CharField(_("what the patient said"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("proposal from the questionnaire")
        verbose_name_plural = _("proposals from the questionnaire")
        ordering = ["status", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="dismissed") | ~models.Q(note=""), name="dismissed_proposal_has_note"
            ),
        ]

    def __str__(self) -> str:
        return self.text or self.question


class KioskSession(models.Model):
    """A tablet handed to one patient to sign and answer at the desk (consents.kiosk).

    The browser that opened it is bound to it: until the staff member who opened it types
    their password again, that browser shows only this patient's forms, then a locked screen.
    """

    class Outcome(models.TextChoices):
        FINISHED = "finished", _("Everything signed and answered")
        ENDED = "ended", _("Ended by the staff")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    # What the patient is asked, in order: {"consent": version id} or {"questionnaire": kind}.
    steps = models.JSONField(_("steps to do"), default=list)
    steps_done = models.JSONField(_("steps done"), default=list)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("signing on a tablet")
        verbose_name_plural = _("signings on a tablet")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, outcome="")
                | models.Q(closed_at__isnull=False) & ~models.Q(outcome=""),
                name="closed_kiosk_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return _("Tablet for %(patient)s") % {"patient": self.patient}

    def is_open(self, now=None) -> bool:
        return self.closed_at is None and (now or timezone.now()) < self.expires_at
