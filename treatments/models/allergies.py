"""What a patient may be allergic to, and what they are: the allergen catalogue (every
catalogue ingredient is an allergen of its own; local anaesthetics, latex, antiseptics,
salicylates… are allergens beyond the cocktails), allergies to allergens, and the allergies
typed on the record that match no allergen, until a dermatologist resolves them."""

import re
import unicodedata
from typing import Self

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clinic import roles
from treatments.models.catalog import Ingredient

ENTRY_SEPARATORS = re.compile(r"[,;\n\r]+")
PARENTHESES = re.compile(r"\(([^)]*)\)")


def allergy_key(text: str) -> str:
    """`text` as allergies are compared: case, accents, punctuation and a plural "s" ignored
    ("Lidocaïne", "lidocaine" and "LIDOCAINES" are one key)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    words = re.sub(r"[^0-9a-z]+", " ", plain).split()
    return " ".join(singular(word) for word in words)


def singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def name_keys(name: str) -> set[str]:
    """The keys a name answers to: whole, without its brackets, and what is in them
    ("Vitamin C (ascorbic acid)" is also "vitamin c" and "ascorbic acid")."""
    keys = {allergy_key(name), allergy_key(PARENTHESES.sub(" ", name))}
    keys |= {allergy_key(inside) for inside in PARENTHESES.findall(name)}
    return keys - {""}


def allergen_keys(name: str, also_known_as: str) -> set[str]:
    """What typed text matches an allergen: its name and each of its other names."""
    keys = name_keys(name)
    for other_name in also_known_as.split(","):
        keys |= name_keys(other_name)
    return keys


def typed_entries(text: str) -> list[str]:
    """The allergies typed in `text`, one per comma, semicolon or line, each once."""
    entries = {}
    for entry in ENTRY_SEPARATORS.split(text or ""):
        entry = " ".join(entry.split())
        if allergy_key(entry):
            entries.setdefault(allergy_key(entry), entry)
    return list(entries.values())


class AllergenQuerySet(models.QuerySet):
    def active(self) -> Self:
        return self.filter(active=True)

    def own_allergen_of(self, ingredient: Ingredient) -> "Allergen":
        """The ingredient's own allergen (same name, containing it), made if it has none."""
        allergen = self.filter(own_ingredient=ingredient).first()
        if allergen is None:
            allergen, _created = self.get_or_create(name=ingredient.name)
            allergen.own_ingredient = ingredient
            allergen.save(update_fields=["own_ingredient"])
        allergen.ingredients.add(ingredient)
        return allergen


class Allergen(models.Model):
    """Something a patient can be allergic to: cocktails containing any of its ingredients
    are refused for them."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    also_known_as = models.CharField(
        _("also known as"),
        max_length=300,
        blank=True,
        help_text=_("Other names it is typed as, separated by commas (e.g. xylocaine for lidocaine)."),
    )
    ingredients = models.ManyToManyField(
        Ingredient,
        verbose_name=_("ingredients"),
        blank=True,
        related_name="allergens",
        help_text=_("The catalogue ingredients that are or contain it: cocktails with these are refused."),
    )
    own_ingredient = models.OneToOneField(
        Ingredient,
        verbose_name=_("own ingredient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_allergen",
        help_text=_("The ingredient this allergen is, when it is one."),
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Where it is found, and the source."))
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive allergens are not offered for new allergies.")
    )
    allergic_patients = models.ManyToManyField(
        "patients.Patient", verbose_name=_("allergic patients"), through="Allergy", blank=True, related_name="allergens"
    )

    objects = AllergenQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[ingredients])  # a clinical default, as the ingredients

    class Meta:
        verbose_name = _("allergen")
        verbose_name_plural = _("allergens")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def keys(self) -> set[str]:
        return allergen_keys(self.name, self.also_known_as)


class Allergy(models.Model):
    """A patient's allergy to an allergen: cocktails containing any of its ingredients are
    refused for them."""

    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="+"
    )
    allergen = models.ForeignKey(Allergen, verbose_name=_("allergen"), on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allergy")
        ordering = ["allergen__name"]
        verbose_name_plural = _("allergies")
        constraints = [models.UniqueConstraint(fields=["patient", "allergen"], name="allergy_once_per_allergen")]

    def __str__(self) -> str:
        return gettext("Allergic to %(allergen)s") % {"allergen": self.allergen}


class UnverifiedAllergyQuerySet(roles.PatientRowsQuerySet):
    def own_rows(self, user) -> Self:
        return self.none()  # for the clinic to act on, not shown in the portal

    def pending(self) -> Self:
        return self.filter(status=UnverifiedAllergy.Status.PENDING)

    def shown(self) -> Self:
        """Those the chart lists: pending first, then resolved (withdrawn ones left out)."""
        return self.exclude(status=UnverifiedAllergy.Status.WITHDRAWN)


class UnverifiedAllergy(models.Model):
    """An allergy typed on the patient's record that matches no allergen. Until a
    dermatologist links it to an allergen or confirms it is not relevant, it blocks every
    cocktail: nobody knows what it concerns."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To resolve")
        LINKED = "linked", _("Linked to the catalogue")
        NOT_RELEVANT = "not_relevant", _("Not relevant")
        WITHDRAWN = "withdrawn", _("No longer on the record")

    patient = models.ForeignKey(
        "patients.Patient", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(_("as typed"), max_length=200)
    key = models.CharField(max_length=200, editable=False)  # allergy_key(text): one row per entry
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    allergen = models.ForeignKey(
        Allergen, verbose_name=_("allergen"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("why it is not relevant"), max_length=500, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = UnverifiedAllergyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unverified allergy")
        ordering = ["created_at", "pk"]
        verbose_name_plural = _("unverified allergies")
        constraints = [
            models.UniqueConstraint(fields=["patient", "key"], name="unverified_allergy_once_per_entry"),
            models.CheckConstraint(
                condition=~models.Q(status="linked") | models.Q(allergen__isnull=False),
                name="unverified_allergy_linked_to_an_allergen",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="not_relevant") | ~models.Q(reason=""),
                name="unverified_allergy_not_relevant_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Unverified allergy: “%(text)s”") % {"text": self.text}

    def get_absolute_url(self) -> str:
        return reverse("unverified_allergy", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
