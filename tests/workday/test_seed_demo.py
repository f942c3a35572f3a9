from io import StringIO

from django.core.management import call_command

from clinic.models import User
from patients.models import Patient
from treatments.models import TreatmentSession

DEMO_USERS = ["dr.demo", "dr.bernard", "dr.lefevre", "desk.demo", "admin.demo", "patient.demo", "patient2.demo"]


def table_snapshot():
    return (
        sorted(User.objects.values_list("username", "password", "is_staff", "is_superuser")),
        sorted(Patient.objects.values_list("id", "last_name", "updated_at", "portal_user__username")),
    )


def test_seed_demo_creates_the_demo_clinic_once(db):
    call_command("seed_demo", stdout=StringIO())
    first = table_snapshot()
    output = StringIO()
    call_command("seed_demo", stdout=output)
    assert table_snapshot() == first
    assert "password for all: mesoplan-demo" in output.getvalue()
    assert "desk.demo" in output.getvalue()

    assert set(DEMO_USERS) <= set(User.objects.values_list("username", flat=True))
    assert Patient.objects.count() >= 20
    assert Patient.objects.get(portal_user__username="patient.demo").first_name == "Camille"
    assert Patient.objects.filter(portal_user__username="patient2.demo").exists()
    assert User.objects.get(username="admin.demo").is_superuser


def test_demo_users_sign_in_with_the_documented_password(client, db):
    call_command("seed_demo", stdout=StringIO())
    for username, landing in [("dr.demo", "/today/"), ("desk.demo", "/today/"), ("patient.demo", "/portal/")]:
        client.post("/accounts/logout/")
        response = client.post("/accounts/login/", {"username": username, "password": "mesoplan-demo"}, follow=True)
        assert response.redirect_chain[-1][0] == landing, username


def test_every_demo_patients_history_opens(client, db):
    call_command("seed_demo", stdout=StringIO())
    client.force_login(User.objects.get(username="dr.demo"))
    allergic = Patient.objects.get(first_name="Sophie", last_name="Martin")
    assert allergic.allergy_ingredients.exists()
    for patient in Patient.objects.all():
        assert client.get(f"/patients/{patient.pk}/history/").status_code == 200, patient
    entries = client.get(f"/patients/{allergic.pk}/history/").context["entries"]
    assert any(entry.what == "Allergy to Vitamin B1 (thiamine)" for entry in entries)


# What each demo product is, by the start of its name: the catalogue ingredient it supplies.
PRODUCT_INGREDIENTS = {
    "Hyaluronic acid": "Hyaluronic acid, non-cross-linked",
    "Vitamin C": "Vitamin C (ascorbic acid)",
    "Biotin": "Vitamin B8 (biotin)",
    "Tranexamic acid": "Tranexamic acid",
    "Caffeine": "Caffeine",
}


def supplied_ingredient(product):
    """The ingredient `product` supplies; a product of no known ingredient (a polyvitamin) has none."""
    return next((ingredient for start, ingredient in PRODUCT_INGREDIENTS.items() if product.startswith(start)), None)


def test_the_demo_records_only_products_that_the_sessions_cocktail_contains(client, db):
    call_command("seed_demo", stdout=StringIO())
    done = TreatmentSession.objects.filter(status=TreatmentSession.Status.DONE).select_related("plan__patient")
    assert done.count() >= 4
    for session in done:
        contained = set(session.formulation.lines.values_list("ingredient__name", flat=True))
        products = list(session.lots.values_list("product", flat=True))
        assert products, session
        assert {supplied_ingredient(product) for product in products} <= contained, (session, products)

    scalp = done.get(plan__patient__first_name="Thomas")
    assert [lot.product for lot in scalp.lots.all()] == ["Biotin 5 mg/mL, 1 mL ampoule"]
    face = done.get(plan__patient__first_name="Camille")
    assert sorted(lot.product for lot in face.lots.all()) == [
        "Hyaluronic acid 20 mg/mL, 2 mL vial",
        "Vitamin C 10 %, 5 mL ampoule",
    ]
    client.force_login(User.objects.get(username="dr.demo"))
    expiring = client.get("/lots/").context["expiring"]
    assert [(lot["product_name"], lot["lot_number"]) for lot in expiring] == [
        ("Vitamin C 10 %, 5 mL ampoule", "VC25-0412")
    ]


def test_the_demo_shows_a_course_override_and_a_corrected_volume(client, db):
    call_command("seed_demo", stdout=StringIO())
    client.force_login(User.objects.get(username="dr.demo"))

    helene = Patient.objects.get(first_name="Hélène", last_name="Lefebvre")
    course = helene.plans.get()
    [override] = course.overrides.all()
    assert override.session is None and "Apixaban" in override.reason
    assert course.sessions.get(number=1).status == TreatmentSession.Status.DONE
    assert "for the whole skin rejuvenation course" in client.get(f"/plans/{course.pk}/").content.decode()

    camille = TreatmentSession.objects.get(plan__patient__first_name="Camille", number=1)
    assert list(camille.amendments.get().changes) == ["areas"]
    assert "Areas and volumes: “" in client.get(f"/sessions/{camille.pk}/").content.decode()
