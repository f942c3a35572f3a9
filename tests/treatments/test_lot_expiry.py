"""A lot typed on the recording page as the label shows it: the expiry as a month (the end of
that month) or a full date, a lot number a recall can find; anything else is answered by the
field."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import ProductFactory
from tests.treatments.test_plan_pages import FACE, make_plan
from treatments.models import TreatmentArea, TreatmentSession

BY_THE_FIELD = "invalid-feedback"


def recording(session, expiry, lot_number="VC-1"):
    return {
        "done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "practitioner": str(session.plan.prescriber.pk),
        "formulation": str(session.plan.formulation.pk),
        "reactions": ["none"],
        "areas-TOTAL_FORMS": "1",
        "areas-INITIAL_FORMS": "1",
        "areas-0-area": str(TreatmentArea.objects.get(name=FACE).pk),
        "areas-0-volume_ml": "2",
        "areas-0-technique": "nappage",
        "lots-TOTAL_FORMS": "1",
        "lots-INITIAL_FORMS": "0",
        "lots-0-product": "Vitamin C ampoule",
        "lots-0-lot_number": lot_number,
        "lots-0-expiry_date": expiry,
    }


@pytest.fixture
def session(derek, alice):
    ProductFactory(name="Vitamin C ampoule", presentation="")
    return make_plan(alice, derek).sessions.get(number=1)


def recorded_expiry(client, session, typed):
    response = client.post(f"/sessions/{session.pk}/", recording(session, typed))
    assert response.status_code == 302, response.content.decode()
    return session.lots.get().lot.expiry_date


@pytest.mark.parametrize(
    "typed, expiry",
    [
        ("02/2028", date(2028, 2, 29)),
        ("2/2028", date(2028, 2, 29)),
        (" 09 / 2027 ", date(2027, 9, 30)),
        ("12/31", date(2031, 12, 31)),
        ("04/30", date(2030, 4, 30)),
        ("2029-06-15", date(2029, 6, 15)),
        ("15/06/2029", date(2029, 6, 15)),
    ],
)
def test_an_expiry_is_a_month_meaning_its_last_day_or_a_full_date(client, derek, session, typed, expiry):
    client.force_login(derek)

    assert recorded_expiry(client, session, typed) == expiry


def test_a_lot_whose_month_is_this_month_is_still_usable_today(client, derek, session):
    client.force_login(derek)
    today = timezone.localdate()

    assert recorded_expiry(client, session, f"{today:%m/%Y}").month == today.month


def test_a_lot_whose_month_is_over_is_refused_as_expired(client, derek, session):
    client.force_login(derek)
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)

    page = client.post(f"/sessions/{session.pk}/", recording(session, f"{last_month:%m/%Y}")).content.decode()

    assert f"Vitamin C ampoule, lot VC-1, expired on {last_month:%d/%m/%Y}: do not use it." in page
    session.refresh_from_db()
    assert session.status == TreatmentSession.Status.PLANNED


@pytest.mark.parametrize(
    "typed, message",
    [
        ("13/2027", "There is no month 13: months go from 01 to 12."),
        ("00/27", "There is no month 00: months go from 01 to 12."),
        ("09/0000", "Enter the expiry as on the label: a month (09/2027, the end of that month) or a date"),
        ("sept 2027", "Enter the expiry as on the label: a month (09/2027, the end of that month) or a date"),
        ("31/02/2028", "Enter the expiry as on the label"),
        ("2027/09", "Enter the expiry as on the label"),
        ("09/202", "Enter the expiry as on the label"),
    ],
)
def test_an_expiry_that_is_no_date_is_answered_by_the_field(client, derek, session, typed, message):
    client.force_login(derek)

    response = client.post(f"/sessions/{session.pk}/", recording(session, typed))

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    field_error = page[page.index('name="lots-0-expiry_date"') :]
    assert BY_THE_FIELD in field_error[: field_error.index(message)]
    session.refresh_from_db()
    assert session.status == TreatmentSession.Status.PLANNED


def test_the_expiry_field_says_how_to_type_it(client, derek, session):
    client.force_login(derek)

    page = client.get(f"/sessions/{session.pk}/").content.decode()

    assert 'placeholder="MM/YYYY or DD/MM/YYYY"' in page


@pytest.mark.parametrize("typed", ["--", " – ", "\u2212\u2212"])
def test_a_lot_number_of_only_dashes_is_answered_by_the_field(client, derek, session, typed):
    client.force_login(derek)

    response = client.post(f"/sessions/{session.pk}/", recording(session, "09/2030", lot_number=typed))

    page = response.content.decode()
    message = "Enter the lot number printed on the label: letters or digits."
    assert message in page
    field_error = page[page.index('name="lots-0-lot_number"') :]
    assert BY_THE_FIELD in field_error[: field_error.index(message)]
    session.refresh_from_db()
    assert session.status == TreatmentSession.Status.PLANNED
