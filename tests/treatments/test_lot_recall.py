"""The lot recall as a dermatologist uses it: the exact lot whatever its spelling, one product
if asked, never a lot that merely starts the same; and the recorded lots about to expire."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import PatientFactory, record_visit_of
from tests.treatments.test_plan_pages import make_plan

HA_VIAL = "Hyaluronic acid 20 mg/mL, 2 mL vial"
OTHER_BRAND = "Skinboost HA 18 mg/mL"


def patients_on(page):
    return [lot.session.plan.patient.full_name for lot in page.context["lots"]]


@pytest.mark.parametrize(
    "typed",
    [
        "HA24-0917",
        "ha24 – 0917",  # en dash between spaces
        "HA24\u20100917",  # hyphen
        "HA24\u20110917",  # non-breaking hyphen
        "HA24\u20140917",  # em dash
        "HA24\u22120917",  # minus sign
        "HA24\ufe580917",  # small em dash
        "HA24\ufe630917",  # small hyphen-minus
        "HA24\uff0d0917",  # full-width hyphen-minus
        " h a 2 4 0 9 1 7 ",
        "HA24\u00a00917",  # no-break space
        "ＨＡ２４－０９１７",  # typed full width
    ],
)
def test_a_lot_is_found_whatever_its_case_spaces_and_dashes(client, derek, alice, typed):
    record_visit_of(make_plan(alice, derek).sessions.get(number=1), by=derek, lot_number="HA24-0917")
    client.force_login(derek)

    assert patients_on(client.get("/lots/", {"q": typed})) == ["Alice Archer"]


def test_a_lot_recorded_with_other_dashes_is_found_by_its_label(client, derek, alice, bob):
    record_visit_of(make_plan(alice, derek).sessions.get(number=1), by=derek, lot_number="ha24 – 0917")
    record_visit_of(make_plan(bob, derek).sessions.get(number=1), by=derek, lot_number="HA24\u22120917")
    client.force_login(derek)

    page = client.get("/lots/", {"q": "HA24-0917"})

    assert patients_on(page) == ["Alice Archer", "Bob Baker"]
    assert "2 sessions used lot <strong>HA24-0917</strong>." in page.content.decode()


def test_the_recall_never_returns_a_longer_lot_of_another_brand(client, derek, alice, bob):
    record_visit_of(make_plan(alice, derek).sessions.get(number=1), by=derek, lot_number="HA24-0917", product=HA_VIAL)
    record_visit_of(
        make_plan(bob, derek).sessions.get(number=1), by=derek, lot_number="HA24-09170", product=OTHER_BRAND
    )
    client.force_login(derek)

    page = client.get("/lots/", {"q": "HA24-0917"})
    assert patients_on(page) == ["Alice Archer"]
    assert "HA24-09170</strong>" not in page.content.decode()
    csv_text = client.get("/lots/", {"q": "HA24-0917", "format": "csv"}).content.decode()
    assert "Alice Archer" in csv_text
    assert "Bob Baker" not in csv_text


def test_the_recall_narrows_to_one_product_named_in_any_case(client, derek, alice, bob):
    record_visit_of(make_plan(alice, derek).sessions.get(number=1), by=derek, lot_number="2409", product=HA_VIAL)
    record_visit_of(make_plan(bob, derek).sessions.get(number=1), by=derek, lot_number="2409", product=OTHER_BRAND)
    client.force_login(derek)

    assert patients_on(client.get("/lots/", {"q": "2409"})) == ["Alice Archer", "Bob Baker"]
    narrowed = client.get("/lots/", {"q": "2409", "product": "  skinboost ha 18 MG/ML "})
    assert patients_on(narrowed) == ["Bob Baker"]
    assert "1 session used lot <strong>2409</strong> of skinboost ha 18 MG/ML." in narrowed.content.decode()
    export = client.get("/lots/", {"q": "2409", "product": "SKINBOOST HA 18 mg/mL", "format": "csv"})
    assert [row[4] for row in list(csv.reader(io.StringIO(export.content.decode())))[1:]] == ["Bob Baker"]
    nothing = client.get("/lots/", {"q": "2409", "product": "Skinboost"}).content.decode()
    assert "No recorded session used lot “2409” of Skinboost." in nothing


def test_the_export_of_a_lot_with_a_formula_stays_text(client, derek, alice):
    record_visit_of(make_plan(alice, derek).sessions.get(number=1), by=derek, lot_number="-2+3", product="@SUM(A1)")
    client.force_login(derek)

    rows = list(csv.reader(io.StringIO(client.get("/lots/", {"q": "2+3", "format": "csv"}).content.decode())))

    assert rows[1][:2] == ["'-2+3", "'@SUM(A1)"]


@pytest.mark.parametrize("typed", ["", "   ", "- –", "\x00"])
def test_a_search_that_names_no_lot_lists_nobody(client, derek, alice, typed):
    record_visit_of(make_plan(alice, derek).sessions.get(number=1), by=derek, lot_number="LOT-1")
    client.force_login(derek)

    page = client.get("/lots/", {"q": typed})

    assert page.status_code == 200
    assert list(page.context["lots"]) == []
    assert "No recorded session used lot" not in page.content.decode()
    assert client.get("/lots/", {"q": typed, "format": "csv"})["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("patients", [1, 6])
def test_the_recall_page_queries_stay_flat(client, derek, django_assert_num_queries, patients):
    for _ in range(patients):
        record_visit_of(make_plan(PatientFactory(), derek).sessions.get(number=1), by=derek, lot_number="HA-1")
    client.force_login(derek)
    # session, user, groups, the lots with their sessions, patients and practitioners, the expiring lots
    with django_assert_num_queries(5):
        page = client.get("/lots/", {"q": "HA-1"})
    assert len(page.context["lots"]) == patients


def test_the_recall_page_lists_the_lots_expiring_within_30_days(client, derek, time_machine):
    today = timezone.localdate()
    soon, later, expired = today + timedelta(days=40), today + timedelta(days=80), today + timedelta(days=5)
    for lot_number, expiry in [("VC-1", soon), ("vc 1", soon), ("HA-2", later), ("OLD-3", expired)]:
        session = make_plan(PatientFactory(), derek).sessions.get(number=1)
        record_visit_of(session, by=derek, lot_number=lot_number, expiry=expiry)
    time_machine.move_to(timezone.now() + timedelta(days=15))
    client.force_login(derek)

    page = client.get("/lots/")

    listed = [(lot.lot_number, lot.expiry_date, lot.sessions) for lot in page.context["expiring"]]
    assert listed == [("VC-1", soon, 2)]
    text = page.content.decode()
    assert "Lots expiring within 30 days" in text
    assert f'<td class="text-nowrap">{soon:%d/%m/%Y}</td>' in text
    assert "OLD-3" not in text
    assert "HA-2" not in text


def test_a_lot_expiring_today_is_still_listed_and_none_says_so(client, derek, alice, time_machine):
    expiry = timezone.localdate() + timedelta(days=3)
    record_visit_of(make_plan(alice, derek).sessions.get(number=1), by=derek, lot_number="LAST-DAY", expiry=expiry)
    time_machine.move_to(timezone.now() + timedelta(days=3))
    client.force_login(derek)

    assert [lot.lot_number for lot in client.get("/lots/").context["expiring"]] == ["LAST-DAY"]

    time_machine.move_to(timezone.now() + timedelta(days=1))
    client.force_login(derek)
    assert "No registered lot expires within 30 days." in client.get("/lots/").content.decode()
