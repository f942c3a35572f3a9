"""Lots recorded before the recall compared normalised numbers are found by it too:
treatments 0022 fills each recorded lot's normalised copy."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.roles import Role
from tests.factories import UserFactory
from tests.migrations import just_before, migrate, old_course

NORMALISED_LOTS = ("treatments", "0022_normalised_lots")


def recorded_session(old):
    plan = old_course(old)
    today = timezone.localdate()
    return old.get_model("treatments", "TreatmentSession").objects.create(
        plan=plan,
        number=1,
        status="done",
        done_at=timezone.now() - timedelta(days=20),
        practitioner_id=plan.prescriber_id,
        formulation_id=plan.formulation_id,
        earliest_date=today,
        latest_date=today,
        target_date=today,
    )


# Serialized: the catalogue that migrations load comes back for the tests after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_lots_recorded_before_are_found_whatever_their_dashes(client):
    old = migrate([just_before(NORMALISED_LOTS)])
    try:
        session = recorded_session(old)
        expiry = timezone.localdate() + timedelta(days=200)
        for product, lot_number in [("HA vial", "ha24 – 0917"), ("Other HA", "HA24-09170")]:
            old.get_model("treatments", "SessionLot").objects.create(
                session_id=session.pk, product=product, lot_number=lot_number, expiry_date=expiry
            )
    finally:
        migrate([])

    client.force_login(UserFactory(role=Role.DERMATOLOGIST))
    page = client.get("/lots/", {"q": "HA24-0917"})

    assert [(use.lot.product.name, use.lot.lot_number) for use in page.context["lots"]] == [("HA vial", "ha24 – 0917")]
