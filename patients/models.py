import re
import uuid
from datetime import date, datetime, timedelta
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic import roles
from patients.names import fold


def name_key(first_name: str, last_name: str) -> str:
    return fold(f"{last_name.strip()} {first_name.strip()}")


def phone_digits(phone: str) -> str:
    return "".join(character for character in phone if character.isdigit())


phone_validator = RegexValidator(
    r"^\+?[0-9 ().\-]{6,20}$",
    _("Enter a phone number of digits, spaces, dots or dashes, optionally starting with +."),
)
# 2026-01-31, 31/01/2026, 31.01.26…: a date typed into the phone field.
DATE_SHAPE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


def validate_phone_digits(value: str) -> None:
    """A phone number has 6 to 15 digits (E.164 allows 15) and is not a date."""
    if DATE_SHAPE.fullmatch(value.strip()):
        raise ValidationError(_("This looks like a date; enter a phone number."))
    digits = len(phone_digits(value))
    if not 6 <= digits <= 15:
        raise ValidationError(_("A phone number has 6 to 15 digits (this one has %(digits)d).") % {"digits": digits})


def validate_no_control_characters(value: str) -> None:
    """No line breaks, tabs or NUL in a name: it goes on one line of every sheet and CSV."""
    if any(ord(character) < 32 or ord(character) == 127 for character in value):
        raise ValidationError(_("Enter the name on one line, without tabs or line breaks."))


PHONE_QUERY = re.compile(r"\+?[0-9 ().\-]+")
DATE_OF_BIRTH_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


def validate_has_a_letter(value: str) -> None:
    if not any(character.isalpha() for character in value):
        raise ValidationError(_("Enter a name with at least one letter."))


def parse_date_of_birth(text: str) -> date | None:
    for date_format in DATE_OF_BIRTH_FORMATS:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


class PatientQuerySet(roles.PatientRowsQuerySet):
    def own_rows(self, user) -> Self:
        return self.filter(portal_user=user)

    def active(self) -> Self:
        return self.filter(archived_at__isnull=True)

    def archived(self) -> Self:
        return self.filter(archived_at__isnull=False)

    def search(self, query: str) -> Self:
        """Patients matching `query`: a date of birth (2024-03-01 or 01/03/2024), part of a
        phone number (separators ignored), or words each found in the first or last name,
        or part of the email address."""
        query = query.replace("\x00", "").strip()
        if not query:
            return self
        born = parse_date_of_birth(query)
        if born:
            return self.filter(date_of_birth=born)
        if PHONE_QUERY.fullmatch(query) and len(phone_digits(query)) >= 3:
            return self.filter(phone_digits__contains=phone_digits(query))
        by_name = Q()
        for word in query.split():
            by_name &= Q(name_key__contains=fold(word))
        return self.filter(by_name | Q(email__icontains=query))

    def likely_duplicates_of(self, *, first_name: str, last_name: str, date_of_birth: date) -> Self:
        """Patients with the same date of birth and the same name, ignoring case and accents."""
        return self.filter(name_key=name_key(first_name, last_name), date_of_birth=date_of_birth)


def clinic_language() -> str:
    return settings.CLINIC_LANGUAGE


class Patient(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNSTATED = "unstated", _("Prefers not to say")

    class SkinType(models.IntegerChoices):
        I = 1, _("I: always burns, never tans")  # noqa: E741 — Fitzpatrick's own numeral
        II = 2, _("II: usually burns, tans minimally")
        III = 3, _("III: sometimes burns, tans uniformly")
        IV = 4, _("IV: burns minimally, always tans well")
        V = 5, _("V: very rarely burns, tans very easily")
        VI = 6, _("VI: never burns")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    first_name = models.CharField(
        _("first name"), max_length=100, validators=[validate_has_a_letter, validate_no_control_characters]
    )
    last_name = models.CharField(
        _("last name"), max_length=100, validators=[validate_has_a_letter, validate_no_control_characters]
    )
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator, validate_phone_digits])
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("address"), blank=True, max_length=500)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=clinic_language,
        help_text=_("The language of their documents, emails and calendar invitations."),
    )
    self_booking = models.BooleanField(
        _("books online"),
        default=True,
        help_text=_("Books, moves and cancels their course sessions in the portal (when the clinic allows it)."),
    )

    # Clinical profile: dermatologists only.
    skin_type = models.PositiveSmallIntegerField(
        _("Fitzpatrick skin type"), choices=SkinType.choices, null=True, blank=True
    )
    allergies = models.TextField(
        _("other allergies"),
        blank=True,
        max_length=2000,
        help_text=_("Allergies to anything not in the ingredient catalogue."),
    )
    medical_conditions = models.TextField(_("medical conditions"), blank=True, max_length=2000)
    current_medications = models.TextField(_("current medications"), blank=True, max_length=2000)
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient",
        help_text=_("The account this patient signs in to the portal with."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # "dupre eloise" for Éloïse DUPRÉ: what search, sorting and the duplicate check compare.
    name_key = models.CharField(max_length=201, editable=False)
    # "0612345678" for 06 12 34 56 78: what search by phone compares.
    phone_digits = models.CharField(max_length=30, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PatientQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["name_key", "phone_digits", "updated_at"])

    # Fields the front desk may see and change; the rest of the profile is clinical.
    CONTACT_FIELDS = (
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "phone",
        "email",
        "address",
        "preferred_language",
    )
    CLINICAL_FIELDS = (
        "skin_type",
        "allergies",
        "medical_conditions",
        "current_medications",
    )

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["name_key", "date_of_birth"]
        indexes = [
            models.Index(fields=["name_key", "date_of_birth"], name="patient_name_idx"),
            models.Index(fields=["date_of_birth"], name="patient_birth_idx"),
            # The day page's "recently updated patients".
            models.Index(fields=["-updated_at"], name="patient_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(first_name="") & ~Q(last_name=""), name="patient_has_a_name"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name.upper()}, {self.first_name}"

    def save(self, *args, **kwargs) -> None:
        # Derived columns, not rules: kept beside the names and phone on every save (forms,
        # admin, factories), so search and sorting never see a stale key. bulk_create must set them.
        self.name_key = name_key(self.first_name, self.last_name)
        self.phone_digits = phone_digits(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            if {"first_name", "last_name"} & set(update_fields):
                update_fields = {*update_fields, "name_key"}
            if "phone" in update_fields:
                update_fields = {*update_fields, "phone_digits"}
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("patient_chart", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def clean(self) -> None:
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": _("The date of birth cannot be in the future.")})
        if self.date_of_birth and self.date_of_birth.year < 1900:
            raise ValidationError({"date_of_birth": _("Check the year: it is before 1900.")})


class Contraindication(models.Model):
    """A condition that stops (block) or calls for care before (warn) mesotherapy. The clinic
    edits the list; the defaults come from the domain notes with their sources."""

    class Level(models.TextChoices):
        BLOCK = "block", _("Block")
        WARN = "warn", _("Warn")

    class Detection(models.TextChoices):
        RECORDED = "", _("Recorded on the patient's profile")
        UNDER_18 = "under_18", _("Automatic: patient under 18")
        DARK_SKIN_TYPE = "skin_type_iv_vi", _("Automatic: Fitzpatrick skin type IV to VI")

    name = models.CharField(_("name"), max_length=160, unique=True)
    level = models.CharField(_("level"), max_length=5, choices=Level.choices)
    waiting_days = models.PositiveIntegerField(
        _("waiting days"),
        default=0,
        help_text=_("Days after the condition ends during which it still calls for a warning."),
    )
    detection = models.CharField(_("detection"), max_length=20, choices=Detection.choices, blank=True, default="")
    advice = models.TextField(
        _("advice"), blank=True, help_text=_("What the dermatologist should know or do; shown with the finding.")
    )
    source = models.TextField(_("source"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    # A clinical default: who changed a level or a waiting period, when, and from what,
    # shows in the admin's history.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contraindication")
        verbose_name_plural = _("contraindications")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PatientCondition(models.Model):
    """A contraindication recorded for one patient, with when it started and ended."""

    patient = models.ForeignKey(Patient, verbose_name=_("patient"), on_delete=models.PROTECT, related_name="conditions")
    contraindication = models.ForeignKey(
        Contraindication, verbose_name=_("contraindication"), on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True, help_text=_("Leave empty while it lasts."))
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("patient condition")
        verbose_name_plural = _("patient conditions")
        ordering = ["-started_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="condition_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return str(self.contraindication)

    def clean(self) -> None:
        today = timezone.localdate()
        if self.started_on and self.started_on > today:
            raise ValidationError({"started_on": _("The start date cannot be in the future.")})
        if self.ended_on and self.ended_on > today:
            raise ValidationError({"ended_on": _("The end date cannot be in the future.")})
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end date cannot be before the start date.")})
        born = self.patient.date_of_birth if self.patient_id else None
        for field in ("started_on", "ended_on"):
            day = getattr(self, field)
            if born and day and day < born:
                raise ValidationError({field: _("This is before the patient was born.")})

    def waiting_period_ends_on(self) -> date | None:
        if self.ended_on is None:
            return None
        return self.ended_on + timedelta(days=self.contraindication.waiting_days)
