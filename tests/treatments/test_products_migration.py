"""Lots recorded as text before products and lots were data become catalogue rows: treatments
0025 makes a product per name recorded, a lot per product and normalised number (the latest
expiry when they disagree), and points each recorded use at its lot."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.roles import Role
from tests.factories import UserFactory
from tests.migrations import just_before, migrate, old_course
from treatments.models import Lot, Product, SessionLot

PRODUCTS_AND_LOTS = ("treatments", "0025_products_and_lots")


def recorded_sessions(old, count):
    plan = old_course(old, sessions_planned=count)
    today = timezone.localdate()
    return [
        old.get_model("treatments", "TreatmentSession").objects.create(
            plan=plan,
            number=number,
            status="done",
            done_at=timezone.now() - timedelta(days=20 - number),
            practitioner_id=plan.prescriber_id,
            recorded_by_id=plan.prescriber_id,
            recorded_at=timezone.now() - timedelta(days=20 - number),
            formulation_id=plan.formulation_id,
            earliest_date=today,
            latest_date=today,
            target_date=today,
        )
        for number in (1, 2, 3)
    ]


# Serialized: the catalogue that migrations load comes back for the tests after this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_recorded_lots_become_products_and_lots_and_the_recall_still_finds_them(client):
    old = migrate([just_before(PRODUCTS_AND_LOTS)])
    try:
        first, second, third = recorded_sessions(old, 3)
        soon, later = timezone.localdate() + timedelta(days=100), timezone.localdate() + timedelta(days=200)
        for session, product, lot_number, expiry in [
            (first, "HA vial", "ha24 – 0917", soon),
            (second, " ha  VIAL ", "HA24-0917", later),  # the same lot, its expiry typed otherwise
            (second, "Vitamin C 10 %", "VC-1", later),
            (third, "Other HA", "HA24-0917", soon),  # the same number, another product
        ]:
            old.get_model("treatments", "SessionLot").objects.create(
                session_id=session.pk, product=product, lot_number=lot_number, expiry_date=expiry
            )
    finally:
        migrate([])

    assert sorted(Product.objects.values_list("name", flat=True)) == ["HA vial", "Other HA", "Vitamin C 10 %"]
    ha = Lot.objects.get(product__name="HA vial")
    assert (ha.lot_number, ha.normalised_lot_number, ha.expiry_date) == ("ha24 – 0917", "HA240917", later)
    assert ha.registered_by_id == first.recorded_by_id
    assert SessionLot.objects.filter(lot=ha).count() == 2
    assert Lot.objects.count() == 3
    client.force_login(UserFactory(role=Role.DERMATOLOGIST))
    recalled = client.get("/lots/", {"q": "HA24-0917", "product": "ha vial"}).context["lots"]
    assert [use.session.number for use in recalled] == [1, 2]
    assert len(client.get("/lots/", {"q": "HA24-0917"}).context["lots"]) == 3
