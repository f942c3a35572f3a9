"""The lot recall: which sessions used a lot (on screen, or as a spreadsheet of who received
it, when, and how to reach them), and which recorded lots are about to expire."""

import csv
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import User
from treatments.models import Lot, SessionLot, TreatmentSession


def lots_given(user: User, lot_number: str, product: str = "") -> QuerySet[SessionLot]:
    """Every use of exactly this lot (of this product, if named) that `user` may see, the
    earliest session first."""
    return (
        visible_lots(user)
        .filter(lot__in=Lot.objects.of_lot(lot_number, product))
        .select_related("lot__product", "session__plan__patient", "session__practitioner")
        .order_by("session__done_at")
    )


def expiring_lots(today: date) -> list[Lot]:
    """The registered lots still usable that expire within the notice period, each with how
    many sessions used it (`sessions`). Lots are the clinic's stock, not a patient's record."""
    return list(Lot.objects.expiring(today))


def visible_lots(user: User) -> QuerySet[SessionLot]:
    return SessionLot.objects.filter(session__in=TreatmentSession.objects.visible_to(user))


class SpreadsheetSafeWriter:
    """A CSV writer whose cells never start a spreadsheet formula (=, +, -, @)."""

    def __init__(self, stream) -> None:
        self.writer = csv.writer(stream)

    def writerow(self, row) -> None:
        self.writer.writerow([f"'{cell}" if str(cell)[:1] in ("=", "+", "-", "@") else cell for cell in row])


def write_csv(stream, lots) -> None:
    """One row per lot given: the lot, the session, and how to reach its patient."""
    writer = SpreadsheetSafeWriter(stream)
    writer.writerow(
        [
            _("Lot"),
            _("Product"),
            _("Expiry"),
            _("Session date"),
            _("Patient"),
            _("Date of birth"),
            _("Phone"),
            _("Email"),
            _("Address"),
            _("Practitioner"),
        ]
    )
    for lot in lots:
        session, patient = lot.session, lot.session.plan.patient
        writer.writerow(
            [
                lot.lot.lot_number,
                lot.lot.product,
                lot.lot.expiry_date.isoformat(),
                timezone.localtime(session.done_at).strftime("%Y-%m-%d %H:%M"),
                patient.full_name,
                patient.date_of_birth.isoformat(),
                patient.phone,
                patient.email,
                patient.address.replace("\n", ", "),
                str(session.practitioner),
            ]
        )
