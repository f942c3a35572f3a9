"""The recall list of a lot as a spreadsheet: who received it, when, and how to reach them."""

import csv

from django.utils import timezone


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
            "Lot",
            "Product",
            "Expiry",
            "Session date",
            "Patient",
            "Date of birth",
            "Phone",
            "Email",
            "Address",
            "Practitioner",
        ]
    )
    for lot in lots:
        session, patient = lot.session, lot.session.plan.patient
        writer.writerow(
            [
                lot.lot_number,
                lot.product,
                lot.expiry_date.isoformat(),
                timezone.localtime(session.done_at).strftime("%Y-%m-%d %H:%M"),
                patient.full_name,
                patient.date_of_birth.isoformat(),
                patient.phone,
                patient.email,
                patient.address.replace("\n", ", "),
                str(session.practitioner),
            ]
        )
