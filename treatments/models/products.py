"""The products a session uses (ampoules, vials: what the clinic buys, with what they
contain) and their lots, each registered once with its expiry: what a recall searches."""

import re
import unicodedata
from datetime import date, timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from treatments.models.allergies import Allergen
from treatments.models.catalog import Ingredient

# A lot this close to its expiry is listed on the recall page, to take off the shelf.
EXPIRY_NOTICE_DAYS = 30

# What a lot number is written with but does not tell lots apart: whitespace, the hyphen and
# the dashes a keyboard or a copied label gives instead (U+2010–U+2015, minus, small and
# full-width hyphens).
LOT_NUMBER_NOISE = re.compile(r"[\s\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]+")


def normalised_lot_number(lot_number: str) -> str:
    """The lot number as a recall compares it: "ha24 – 0917" and "HA24-0917" are one lot.
    Compatibility forms (full-width letters) count as their plain letters."""
    return LOT_NUMBER_NOISE.sub("", unicodedata.normalize("NFKC", lot_number)).upper()


class ProductQuerySet(models.QuerySet):
    def matching(self, text: str) -> Self:
        """Active products whose name, manufacturer or presentation contains `text`."""
        text = text.strip()
        return self.filter(active=True).filter(
            models.Q(name__icontains=text)
            | models.Q(manufacturer__icontains=text)
            | models.Q(presentation__icontains=text)
        )

    def named(self, label: str) -> "Product | None":
        """The active product a typed label names: its full label ("Name, presentation
        (manufacturer)") or its bare name when only one product has it; any case."""
        label = " ".join(label.split()).casefold()
        candidates = [product for product in self.filter(active=True) if label in product.names]
        by_label = [product for product in candidates if product.label.casefold() == label]
        if by_label:
            return by_label[0]
        return candidates[0] if len(candidates) == 1 else None


class Product(models.Model):
    """What the clinic buys and injects or mixes: a product of the catalogue, with the
    catalogue ingredients it contains and the other allergens it declares (a patient's
    allergies are checked against both)."""

    name = models.CharField(_("name"), max_length=120)
    manufacturer = models.CharField(_("manufacturer"), max_length=120, blank=True)
    presentation = models.CharField(
        _("presentation"), max_length=60, blank=True, help_text=_("For example: ampoule 2 mL, vial 5 mL.")
    )
    ingredients = models.ManyToManyField(
        Ingredient,
        verbose_name=_("ingredients"),
        blank=True,
        related_name="products",
        help_text=_("What it contains, from the catalogue."),
    )
    allergens = models.ManyToManyField(
        Allergen,
        verbose_name=_("allergens"),
        blank=True,
        related_name="products",
        help_text=_("What else it declares that patients can be allergic to: an anaesthetic, latex in the stopper…"),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive products are no longer offered at recording.")
    )

    objects = ProductQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[ingredients, allergens])  # a clinical default, as the ingredients' limits

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "presentation", "manufacturer"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), Lower("manufacturer"), Lower("presentation"), name="product_once_in_catalogue"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """How the product is named on pages and typed in the picker."""
        label = f"{self.name}, {self.presentation}" if self.presentation else self.name
        return f"{label} ({self.manufacturer})" if self.manufacturer else label

    @property
    def names(self) -> set[str]:
        return {self.label.casefold(), self.name.casefold()}


class LotQuerySet(models.QuerySet):
    def of_lot(self, lot_number: str, product: str = "") -> Self:
        """Exactly this lot, whatever its case, spaces and dashes; of one product (its name or
        label, in any case) when one is given. Never a lot that merely starts the same."""
        lots = self.filter(normalised_lot_number=normalised_lot_number(lot_number))
        if product := " ".join(product.split()).casefold():
            # The catalogue is short: its labels are compared here rather than rebuilt in SQL.
            lots = lots.filter(product__in=[p.pk for p in Product.objects.all() if product in p.names])
        return lots

    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(): the normalised number is filled here too, so no row misses it.
        objs = list(objs)
        for lot in objs:
            lot.normalised_lot_number = normalised_lot_number(lot.lot_number)
        return super().bulk_create(objs, *args, **kwargs)

    def expiring(self, today: date, within_days: int = EXPIRY_NOTICE_DAYS) -> Self:
        """The lots still usable that expire within `within_days`, soonest first, with how many
        sessions used each: what to take off the shelf."""
        return (
            self.filter(expiry_date__gte=today, expiry_date__lte=today + timedelta(days=within_days))
            .select_related("product")
            .annotate(sessions=models.Count("uses__session", distinct=True))
            .order_by("expiry_date", Lower("product__name"), "normalised_lot_number")
        )


class Lot(models.Model):
    """One lot of a product, registered once (on the fly, the first time a session uses it)
    with its one expiry."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField(_("lot number"), max_length=60, help_text=_("As printed on the label."))
    # Filled from lot_number on every save; the recall matches it exactly. A text field, since
    # a compatibility form may spell out longer than it was typed.
    normalised_lot_number = models.TextField(db_index=True, editable=False)
    expiry_date = models.DateField(_("expiry date"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)

    objects = LotQuerySet.as_manager()
    # A mistyped expiry is corrected in the admin: who changed it, when and from what, stays.
    history = HistoricalRecords(excluded_fields=["normalised_lot_number"])

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["product__name", "normalised_lot_number"]
        constraints = [
            models.UniqueConstraint(fields=["product", "normalised_lot_number"], name="lot_once_per_product")
        ]

    def __str__(self) -> str:
        return gettext("%(product)s, lot %(lot)s (exp. %(expiry)s)") % {
            "product": self.product,
            "lot": self.lot_number,
            "expiry": date_format(self.expiry_date, "m/Y"),
        }

    def save(self, *args, **kwargs) -> None:
        self.normalised_lot_number = normalised_lot_number(self.lot_number)
        super().save(*args, **kwargs)
