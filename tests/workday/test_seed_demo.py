from io import StringIO

from django.core.management import call_command

from clinic.models import User
from consents import gate
from consents.models import ConsentSignature
from messaging.models import OutboxMessage
from patients.models import Patient
from treatments import safety
from treatments.models import Product, TreatmentPlan, TreatmentSession, UnverifiedAllergy

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
    assert allergic.allergens.filter(name="Vitamin B1 (thiamine)").exists()
    for patient in Patient.objects.all():
        assert client.get(f"/patients/{patient.pk}/history/").status_code == 200, patient
    entries = client.get(f"/patients/{allergic.pk}/history/").context["entries"]
    assert any(entry.what == "Allergy to Vitamin B1 (thiamine)" for entry in entries)
    assert any(entry.what == "Allergy to Lidocaine" for entry in entries)  # typed "Lidocaine"


def test_the_demo_reads_the_allergies_typed_on_its_records(client, db):
    call_command("seed_demo", stdout=StringIO())
    allergens = {
        patient.first_name: sorted(patient.allergens.values_list("name", flat=True))
        for patient in Patient.objects.exclude(allergies="")
    }
    assert allergens["Sophie"] == ["Lidocaine", "Vitamin B1 (thiamine)"]
    assert allergens["Amandine"] == ["Latex"]
    assert allergens["Sandrine"] == ["Salicylates"]  # typed "Aspirin"
    unverified = {(row.patient.first_name, row.text): row.status for row in UnverifiedAllergy.objects.all()}
    assert unverified == {
        ("Claire", "Penicillin"): "not_relevant",
        ("Pauline", "Nickel"): "pending",
        ("Caroline", "Hyaluronidase"): "pending",
    }
    # Those left to resolve are on patients with no course.
    pending = UnverifiedAllergy.objects.pending().values_list("patient", flat=True)
    assert not TreatmentSession.objects.filter(plan__patient__in=pending).exists()
    client.force_login(User.objects.get(username="dr.demo"))
    chart = client.get(Patient.objects.get(first_name="Pauline").get_absolute_url()).content.decode()
    assert "Unverified allergy" in chart and "“Nickel”" in chart


def test_the_demo_records_only_products_that_the_sessions_cocktail_contains(client, db):
    call_command("seed_demo", stdout=StringIO())
    done = TreatmentSession.objects.filter(status=TreatmentSession.Status.DONE).select_related("plan__patient")
    assert done.count() >= 4
    for session in done:
        contained = set(session.formulation.lines.values_list("ingredient__name", flat=True))
        products = [use.lot.product for use in session.lots.select_related("lot__product")]
        assert products, session
        for product in products:
            contents = set(product.ingredients.values_list("name", flat=True))
            assert contents and contents <= contained, (session, product)

    scalp = done.get(plan__patient__first_name="Thomas")
    assert [str(use.lot.product) for use in scalp.lots.all()] == ["Biotin 5 mg/mL, ampoule 1 mL (Demo Pharma)"]
    face = done.get(plan__patient__first_name="Camille")
    assert sorted(str(use.lot.product) for use in face.lots.all()) == [
        "Hyaluronic acid 20 mg/mL, vial 2 mL (Demo Pharma)",
        "Vitamin C 10 %, ampoule 5 mL (Demo Pharma)",
    ]
    client.force_login(User.objects.get(username="dr.demo"))
    expiring = client.get("/lots/").context["expiring"]
    assert [(str(lot.product), lot.lot_number) for lot in expiring] == [
        ("Vitamin C 10 %, ampoule 5 mL (Demo Pharma)", "VC25-0412")
    ]


def test_the_demo_catalogue_refuses_its_thiamine_ampoule_to_the_patient_allergic_to_thiamine(db):
    call_command("seed_demo", stdout=StringIO())
    sophie = Patient.objects.get(first_name="Sophie", last_name="Martin")
    thiamine = Product.objects.get(name="Thiamine 50 mg/mL")

    assert safety.product_allergy_error(patient=sophie, product=thiamine) == (
        "Thiamine 50 mg/mL, ampoule 2 mL (Demo Pharma) contains Vitamin B1 (thiamine) — "
        "the patient is allergic to Vitamin B1 (thiamine): do not use it."
    )


def test_the_demo_catalogue_refuses_a_product_declaring_lidocaine_to_the_patient_who_typed_a_lidocaine_allergy(db):
    call_command("seed_demo", stdout=StringIO())
    sophie = Patient.objects.get(first_name="Sophie", last_name="Martin")
    camille = Patient.objects.get(first_name="Camille", last_name="Durand")
    with_lidocaine = Product.objects.get(name="Hyaluronic acid 20 mg/mL with lidocaine 0.3 %")

    assert safety.product_allergy_error(patient=sophie, product=with_lidocaine) == (
        "Hyaluronic acid 20 mg/mL with lidocaine 0.3 %, syringe 1 mL (Demo Pharma) contains Lidocaine — "
        "the patient is allergic to Lidocaine: do not use it."
    )
    assert safety.product_allergy_error(patient=camille, product=with_lidocaine) == ""


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


def test_each_demo_patient_in_a_course_shows_one_state_of_the_consent_gate(client, db):
    call_command("seed_demo", stdout=StringIO())
    assert not OutboxMessage.objects.exists()  # nothing queued to the demo's made-up addresses

    client.force_login(User.objects.get(username="patient.demo"))
    camille = client.get("/portal/consents/").content.decode()
    assert "Consent to mesotherapy treatment" in camille and "Signed on" in camille
    signature = ConsentSignature.objects.get(patient__first_name="Camille")
    assert signature.method == "typed" and signature.channel == "portal"
    document = client.get(f"/portal/consents/{signature.pk}.pdf")
    assert document["Content-Type"] == "application/pdf" and document.content.startswith(b"%PDF")

    client.force_login(User.objects.get(username="patient2.demo"))
    thomas = client.get("/portal/").content.decode()
    assert "Consentement au traitement par mésothérapie" in thomas and "/portal/questionnaire/" in thomas

    client.force_login(User.objects.get(username="dr.demo"))
    nicolas = Patient.objects.get(first_name="Nicolas", last_name="Vincent")
    chart = client.get(nicolas.get_absolute_url()).content.decode()
    assert "expired" in chart
    julie = Patient.objects.get(first_name="Julie", last_name="Bernard")
    review = client.get(f"/patients/{julie.pk}/questionnaire/").content.decode()
    assert "Answers to review" in review and "Cold sores (herpes)" in review and "The patient answered yes." in review
    for first, last in [("Camille", "Durand"), ("Sophie", "Martin"), ("Hélène", "Lefebvre"), ("Julie", "Bernard")]:
        course = TreatmentPlan.objects.get(patient__first_name=first, patient__last_name=last)
        assert gate.missing(course.patient, course=course) == [], first
