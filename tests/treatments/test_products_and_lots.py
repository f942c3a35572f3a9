"""Products and lots as data, as a dermatologist records them: a product of the catalogue,
its lot registered the first time it is used with its one expiry, refused when the patient is
allergic to what it contains; the picker's suggestions; and the correction of a record's lots."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import PatientFactory, ProductFactory, UserFactory, record_visit_of
from tests.treatments.cocktail_forms import VITAMIN_B1, VITAMIN_C
from tests.treatments.test_plan_pages import FACE, make_plan
from treatments import allergies
from treatments.models import Allergen, Lot, SessionAmendment, SessionLot, TreatmentArea, TreatmentSession

BY_THE_FIELD = "invalid-feedback"
LABEL = "Vitamin C 10 %, ampoule 5 mL (Demo Pharma)"


@pytest.fixture
def vitamin_c(db):
    return ProductFactory(
        name="Vitamin C 10 %", presentation="ampoule 5 mL", manufacturer="Demo Pharma", ingredients=[VITAMIN_C]
    )


@pytest.fixture
def session(derek, alice, vitamin_c):
    return make_plan(alice, derek).sessions.get(number=1)


def recording(session, *rows):
    """The recording form as the page posts it, with one lot row per (product, lot, expiry)."""
    data = {
        "done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "practitioner": str(session.plan.prescriber.pk),
        "formulation": str(session.plan.formulation.pk),
        "reactions": ["none"],
        "areas-TOTAL_FORMS": "1",
        "areas-INITIAL_FORMS": "1",
        "areas-0-area": str(TreatmentArea.objects.get(name=FACE).pk),
        "areas-0-volume_ml": "2",
        "areas-0-technique": "nappage",
        "lots-TOTAL_FORMS": str(len(rows)),
        "lots-INITIAL_FORMS": "0",
    }
    for index, (product, lot_number, expiry) in enumerate(rows):
        data |= {
            f"lots-{index}-product": product,
            f"lots-{index}-lot_number": lot_number,
            f"lots-{index}-expiry_date": expiry,
        }
    return data


def by_its_field(page: str, name: str, message: str) -> bool:
    """`message` is shown as the error of the field named `name` (after it, before the next field)."""
    after = page[page.index(f'name="{name}"') :]
    return message in after and BY_THE_FIELD in after[: after.index(message)]


def test_a_new_lot_is_registered_on_the_fly_and_found_again_by_its_number(client, derek, bob, session, vitamin_c):
    client.force_login(derek)

    response = client.post(f"/sessions/{session.pk}/", recording(session, (LABEL, "vc25-0412", "06/2027")))

    assert response.status_code == 302
    lot = Lot.objects.get()
    assert (lot.product, lot.lot_number, lot.expiry_date, lot.registered_by) == (
        vitamin_c,
        "vc25-0412",
        date(2027, 6, 30),
        derek,
    )
    # Another patient's session, the same lot typed otherwise and without its expiry: the
    # registered lot, with its expiry.
    other = make_plan(bob, derek).sessions.get(number=1)
    again = client.post(f"/sessions/{other.pk}/", recording(other, ("vitamin c 10 %", "VC25 – 0412", "")))
    assert again.status_code == 302
    assert Lot.objects.count() == 1
    assert [use.lot for use in other.lots.all()] == [lot]
    assert (
        "Vitamin C 10 %, ampoule 5 mL (Demo Pharma), lot vc25-0412 (exp. 06/2027)"
        in client.get(f"/sessions/{other.pk}/").content.decode()
    )


def test_a_known_lot_given_another_expiry_is_refused_by_its_field(client, derek, bob, session, vitamin_c):
    record_vc_1(session, derek)
    other = make_plan(bob, derek).sessions.get(number=1)
    client.force_login(derek)

    response = client.post(f"/sessions/{other.pk}/", recording(other, (LABEL, "vc-1", "07/2027")))

    assert response.status_code == 200
    message = "Lot VC-1 of Vitamin C 10 %, ampoule 5 mL (Demo Pharma) is registered as expiring on 30/06/2027"
    assert by_its_field(response.content.decode(), "lots-0-expiry_date", message)
    assert Lot.objects.get().expiry_date == date(2027, 6, 30)
    other.refresh_from_db()
    assert other.status != TreatmentSession.Status.DONE


def test_a_new_lot_needs_its_expiry(client, derek, session):
    client.force_login(derek)

    response = client.post(f"/sessions/{session.pk}/", recording(session, (LABEL, "NEW-1", "")))

    assert by_its_field(
        response.content.decode(), "lots-0-expiry_date", "A lot not seen before: enter its expiry as on the label."
    )
    assert not Lot.objects.exists()


@pytest.mark.parametrize(
    "typed, message",
    [
        ("Vitamin C 12 %", "Not in the product catalogue — ask the manager to add it."),
        ("Serum", "Several products are called Serum: choose one by its presentation from the list."),
    ],
)
def test_a_product_not_in_the_catalogue_is_refused_by_its_field(client, derek, session, typed, message):
    ProductFactory(name="Serum", presentation="vial 2 mL")
    ProductFactory(name="serum", presentation="vial 5 mL")
    client.force_login(derek)

    response = client.post(f"/sessions/{session.pk}/", recording(session, (typed, "X-1", "06/2027")))

    assert response.status_code == 200
    assert by_its_field(response.content.decode(), "lots-0-product", message)


def test_an_inactive_product_is_no_longer_recorded(client, derek, session, vitamin_c):
    vitamin_c.active = False
    vitamin_c.save()
    client.force_login(derek)

    response = client.post(f"/sessions/{session.pk}/", recording(session, (LABEL, "X-1", "06/2027")))

    assert by_its_field(
        response.content.decode(), "lots-0-product", "Not in the product catalogue — ask the manager to add it."
    )


def test_a_product_containing_what_the_patient_is_allergic_to_is_refused_by_its_row(client, derek, alice, session):
    thiamine = ProductFactory(name="Thiamine 50 mg/mL", presentation="ampoule 2 mL", ingredients=[VITAMIN_B1])
    allergies.set_allergies(
        patient=alice,
        allergens=[Allergen.objects.own_allergen_of(i) for i in thiamine.ingredients.all()],
        changed_by=derek,
    )
    client.force_login(derek)

    response = client.post(
        f"/sessions/{session.pk}/",
        recording(session, (LABEL, "VC-1", "06/2027"), ("thiamine 50 MG/ML", "B1-1", "06/2027")),
    )

    assert response.status_code == 200
    message = (
        "Thiamine 50 mg/mL, ampoule 2 mL contains Vitamin B1 (thiamine) — the patient is allergic to "
        "Vitamin B1 (thiamine): do not use it."
    )
    page = response.content.decode()
    assert by_its_field(page, "lots-1-product", message)
    assert page.count(message) == 1
    session.refresh_from_db()
    assert session.status != TreatmentSession.Status.DONE
    assert not Lot.objects.exists()


def test_one_lot_listed_twice_is_refused(client, derek, session):
    client.force_login(derek)

    response = client.post(
        f"/sessions/{session.pk}/", recording(session, (LABEL, "VC-1", "06/2027"), (LABEL, "vc 1", "06/2027"))
    )

    assert by_its_field(response.content.decode(), "lots-1-lot_number", f"Lot vc 1 of {LABEL} is listed twice.")


def test_the_recording_page_offers_the_picker_to_every_lot_row(client, derek, session):
    client.force_login(derek)

    page = client.get(f"/sessions/{session.pk}/").content.decode()

    assert 'data-products-url="/products/search/"' in page
    assert 'data-lots-url="/lots/search/"' in page
    assert page.count('list="product-options"') == 3
    assert '<datalist id="id_lots-0-lot_number-options">' in page
    assert "/static/js/lot-picker.js" in page


@pytest.mark.parametrize("lots", [1, 4])
def test_a_recorded_sessions_page_queries_stay_flat(client, derek, session, django_assert_num_queries, lots):
    products = [ProductFactory(name=f"Product {n}") for n in range(lots)]
    record_visit_of(session, by=derek, product=products[0].name)
    uses = [
        Lot.objects.create(product=product, lot_number=f"L-{n}", expiry_date=date(2030, 1, 31))
        for n, product in enumerate(products[1:])
    ]
    session.lots.bulk_create([session.lots.model(session=session, lot=lot) for lot in uses])
    client.force_login(derek)

    with django_assert_num_queries(QUERIES_OF_A_RECORDED_SESSION):
        page = client.get(f"/sessions/{session.pk}/")

    assert len(page.context["recorded_lots"]) == lots


# The page as it was, its recorded lots with their products in one query; the patient's
# allergies, unverified allergies and suspected ones; the correction's areas given and
# versions to choose; the blocks overridden for the course.
QUERIES_OF_A_RECORDED_SESSION = 29


# --- The picker's suggestions -----------------------------------------------------------------


def test_the_product_suggestions_are_the_active_products_matching_what_is_typed(
    client, derek, vitamin_c, django_assert_num_queries
):
    ProductFactory(name="Vitamin B complex", manufacturer="Other Lab")
    ProductFactory(name="Vitamin C 20 %", active=False)
    ProductFactory(name="Zinc")
    client.force_login(derek)

    # session, user, groups, the products
    with django_assert_num_queries(4):
        answer = client.get("/products/search/", {"q": "vitamin"})

    assert answer.json() == {
        "products": [
            {"id": ProductFactory(name="Vitamin B complex").pk, "label": "Vitamin B complex (Other Lab)"},
            {"id": vitamin_c.pk, "label": LABEL},
        ]
    }
    assert client.get("/products/search/", {"q": "demo pharma"}).json()["products"] == [
        {"id": vitamin_c.pk, "label": LABEL}
    ]
    assert client.get("/products/search/", {"q": " "}).json() == {"products": []}


def test_the_lot_suggestions_are_the_products_registered_lots_starting_as_typed(
    client, derek, vitamin_c, django_assert_num_queries
):
    Lot.objects.create(product=vitamin_c, lot_number="VC-0412", expiry_date=date(2027, 6, 30))
    Lot.objects.create(product=vitamin_c, lot_number="VC-0398", expiry_date=date(2020, 1, 31))
    Lot.objects.create(product=vitamin_c, lot_number="HA-0412", expiry_date=date(2027, 6, 30))
    Lot.objects.create(product=ProductFactory(name="Other"), lot_number="VC-0413", expiry_date=date(2027, 6, 30))
    client.force_login(derek)

    # session, user, groups, the lots
    with django_assert_num_queries(4):
        answer = client.get("/lots/search/", {"product": vitamin_c.pk, "q": "vc 0"})

    assert answer.json() == {
        "lots": [
            {
                "id": Lot.objects.get(lot_number="VC-0412").pk,
                "lot_number": "VC-0412",
                "expiry": "30/06/2027",
                "expired": False,
            },
            {
                "id": Lot.objects.get(lot_number="VC-0398").pk,
                "lot_number": "VC-0398",
                "expiry": "31/01/2020",
                "expired": True,
            },
        ]
    }


@pytest.mark.parametrize("product", ["", "abc", "1 OR 1=1", "\x00"])
def test_the_lot_suggestions_without_a_product_answer_400(client, derek, product):
    client.force_login(derek)

    answer = client.get("/lots/search/", {"product": product, "q": "VC"})

    assert answer.status_code == 400
    assert answer.json() == {"error": "Choose a product first."}


@pytest.mark.parametrize("url", ["/products/search/?q=vit", "/lots/search/?product=1&q=VC"])
def test_only_those_who_treat_get_suggestions(client, charlie, alice, url):
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(charlie)
    assert client.get(url).status_code == 403
    client.force_login(alice.portal_user)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/products/search/", "/lots/search/"])
def test_the_suggestions_refuse_a_post(client, derek, url):
    client.force_login(derek)
    assert client.post(url).status_code == 405


# --- Correcting the lots ------------------------------------------------------------------------


def a_minute_ago():
    """A time as the correction form sends it back: to the minute."""
    return timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=1)


def record_vc_1(session, derek):
    """`session` recorded a minute ago with lot VC-1 of the vitamin C ampoule, expiring 30/06/2027."""
    record_visit_of(
        session, by=derek, done_at=a_minute_ago(), product="Vitamin C 10 %", lot_number="VC-1", expiry=date(2027, 6, 30)
    )


def correction(session, *rows, **fields):
    """The correction form as the page posts it, the lot rows replaced by `rows`."""
    session.refresh_from_db()
    data = {
        "done_at": timezone.localtime(session.done_at).strftime("%Y-%m-%dT%H:%M"),
        "practitioner": session.practitioner.pk,
        "amendments_seen": session.amendments.count(),
        "reactions": session.reactions,
        "reaction_notes": session.reaction_notes,
        "notes": session.notes,
        "reason": "The lot was copied from the wrong ampoule",
        "amend-lots-TOTAL_FORMS": str(len(rows)),
        "amend-lots-INITIAL_FORMS": "0",
        **fields,
    }
    for index, (product, lot_number, expiry) in enumerate(rows):
        data |= {
            f"amend-lots-{index}-product": product,
            f"amend-lots-{index}-lot_number": lot_number,
            f"amend-lots-{index}-expiry_date": expiry,
        }
    return data


def test_a_correction_replaces_a_lot_and_keeps_the_original_by_its_label(client, derek, session, vitamin_c):
    record_vc_1(session, derek)
    client.force_login(derek)

    response = client.post(f"/sessions/{session.pk}/amend/", correction(session, (LABEL, "VC-2", "09/2027")))

    assert response.status_code == 302, response.content.decode()
    assert [str(use.lot) for use in session.lots.all()] == [f"{LABEL}, lot VC-2 (exp. 09/2027)"]
    assert SessionAmendment.objects.get().changes == {
        "lots": [f"{LABEL}, lot VC-1 (exp. 06/2027)", f"{LABEL}, lot VC-2 (exp. 09/2027)"]
    }
    # The first lot stays registered (another session may have used it), and its use here
    # stays in the history with who took it off.
    assert Lot.objects.filter(lot_number="VC-1").exists()
    [taken_off] = SessionLot.history.filter(session=session, history_type="-")
    assert (taken_off.lot.lot_number, taken_off.history_user) == ("VC-1", derek)
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert f"{LABEL}, lot VC-2 (exp. 09/2027)" in page
    assert f"{LABEL}, lot VC-1 (exp. 06/2027)" in page  # in the correction's log


def test_the_correction_form_starts_from_the_recorded_lots(client, derek, session, vitamin_c):
    record_vc_1(session, derek)
    client.force_login(derek)

    page = client.get(f"/sessions/{session.pk}/").content.decode()

    assert f'name="amend-lots-0-product" value="{LABEL}"' in page
    assert 'name="amend-lots-0-lot_number" value="VC-1"' in page
    assert 'name="amend-lots-0-expiry_date" value="30/06/2027"' in page


def test_a_correction_that_leaves_the_lots_as_they_were_keeps_them(client, derek, session, vitamin_c):
    record_vc_1(session, derek)
    client.force_login(derek)

    response = client.post(
        f"/sessions/{session.pk}/amend/",
        correction(session, (LABEL, "VC-1", "30/06/2027"), notes="Bruise on the left cheek"),
    )

    assert response.status_code == 302
    assert list(SessionAmendment.objects.get().changes) == ["notes"]


@pytest.mark.parametrize(
    "row, field, message",
    [
        (("Unknown", "X-1", "06/2027"), "product", "Not in the product catalogue — ask the manager to add it."),
        ((LABEL, "VC-1", "07/2027"), "expiry_date", f"Lot VC-1 of {LABEL} is registered as expiring on 30/06/2027"),
        ((LABEL, "VC-OLD", "01/2020"), "expiry_date", f"{LABEL}, lot VC-OLD, expired on 31/01/2020: do not use it."),
        (("Thiamine", "B1-1", "06/2027"), "product", "Thiamine contains Vitamin B1 (thiamine)"),
    ],
)
def test_a_corrected_lot_goes_through_the_checks_of_a_recording(
    client, derek, alice, session, vitamin_c, row, field, message
):
    thiamine = ProductFactory(name="Thiamine", ingredients=[VITAMIN_B1])
    allergies.set_allergies(
        patient=alice,
        allergens=[Allergen.objects.own_allergen_of(i) for i in thiamine.ingredients.all()],
        changed_by=derek,
    )
    record_vc_1(session, derek)
    client.force_login(derek)

    response = client.post(f"/sessions/{session.pk}/amend/", correction(session, row))

    assert response.status_code == 400
    assert by_its_field(response.content.decode(), f"amend-lots-0-{field}", message)
    assert [use.lot.lot_number for use in session.lots.all()] == ["VC-1"]
    assert not SessionAmendment.objects.exists()


def test_a_correction_needs_a_lot(client, derek, session, vitamin_c):
    record_vc_1(session, derek)
    client.force_login(derek)

    response = client.post(f"/sessions/{session.pk}/amend/", correction(session, ("", "", "")))

    assert response.status_code == 400
    assert "Record the lot of each product used." in response.content.decode()


# --- The recall on the new tables -----------------------------------------------------------------


def test_the_recall_narrows_to_a_product_by_its_label_too(client, derek, alice, bob, vitamin_c):
    record_visit_of(make_plan(alice, derek).sessions.get(number=1), by=derek, product=vitamin_c.name, lot_number="2409")
    record_visit_of(make_plan(bob, derek).sessions.get(number=1), by=derek, product="Other HA", lot_number="2409")
    client.force_login(derek)

    narrowed = client.get("/lots/", {"q": "2409", "product": LABEL.upper()})

    assert [use.session.plan.patient for use in narrowed.context["lots"]] == [alice]


def test_a_registered_lot_no_session_used_is_listed_as_expiring_with_none(client, derek, vitamin_c):
    Lot.objects.create(product=vitamin_c, lot_number="SHELF-1", expiry_date=timezone.localdate() + timedelta(days=10))
    client.force_login(derek)

    expiring = client.get("/lots/").context["expiring"]

    assert [(lot.lot_number, lot.sessions) for lot in expiring] == [("SHELF-1", 0)]


def test_patients_of_another_clinician_are_still_recalled(client, derek, vitamin_c):
    other = UserFactory(role="dermatologist")
    record_visit_of(
        make_plan(PatientFactory(), other).sessions.get(number=1), by=other, product=vitamin_c.name, lot_number="R-1"
    )
    client.force_login(derek)

    assert len(client.get("/lots/", {"q": "R-1"}).context["lots"]) == 1
