"""The admin as the clinic manager uses it: clinical rows are read-only unless one treats,
and every change to a clinical default is in its history (who, when, what)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from clinic.roles import Role
from patients.models import Contraindication
from tests.factories import FormulationFactory, PatientConditionFactory, PatientFactory, ProductFactory, UserFactory
from tests.treatments.cocktail_forms import ZINC
from treatments.models import AftercareTopic, Allergen, Allergy, Ingredient, Lot, Protocol, TreatmentArea


@pytest.fixture
def dermatologist_in_admin(db):
    return UserFactory(username="dora", is_staff=True, is_superuser=True, role=Role.DERMATOLOGIST)


def form_data(response) -> dict:
    """What the admin's change form posts back unchanged: its fields and its inlines'."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            data[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def test_the_manager_cannot_end_a_patients_condition_in_the_admin(client, margaret):
    condition = PatientConditionFactory(named="Anticoagulant therapy, bleeding disorder or low platelets")
    client.force_login(margaret)
    url = f"/admin/patients/patientcondition/{condition.pk}/change/"

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # shown, not editable

    data = {"patient": condition.patient.pk, "contraindication": condition.contraindication.pk}
    response = client.post(url, data | {"started_on": str(condition.started_on), "ended_on": str(timezone.localdate())})
    assert response.status_code == 403
    condition.refresh_from_db()
    assert condition.ended_on is None
    assert client.get("/admin/patients/patientcondition/add/").status_code == 403


def test_a_dermatologist_may_still_correct_a_condition_in_the_admin(client, dermatologist_in_admin):
    condition = PatientConditionFactory()
    client.force_login(dermatologist_in_admin)
    url = f"/admin/patients/patientcondition/{condition.pk}/change/"
    data = form_data(client.get(url)) | {"ended_on": str(timezone.localdate() - timedelta(days=1))}

    assert client.post(url, data).status_code == 302
    condition.refresh_from_db()
    assert condition.ended_on == timezone.localdate() - timedelta(days=1)


def test_the_manager_keeps_contact_details_but_not_the_clinical_profile(client, margaret):
    patient = PatientFactory(allergies="Lidocaine", skin_type=2)
    Allergy.objects.create(patient=patient, allergen=Ingredient.objects.get(name=ZINC).own_allergen)
    client.force_login(margaret)
    url = f"/admin/patients/patient/{patient.pk}/change/"
    page = client.get(url)
    data = form_data(page)

    assert "allergies" not in data and "skin_type" not in data  # shown read-only
    assert not any(key.endswith("-DELETE") for key in data)  # the allergy inline too
    response = client.post(url, data | {"phone": "06 99 99 99 99", "allergies": "", "skin_type": "5"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.phone == "06 99 99 99 99"
    assert patient.allergies == "Lidocaine"
    assert patient.skin_type == 2
    assert Allergy.objects.filter(patient=patient).count() == 1


def test_the_manager_cannot_change_a_cocktail_in_the_admin(client, margaret, derek):
    cocktail = FormulationFactory(patient=PatientFactory(), created_by=derek, ingredients=[ZINC])
    client.force_login(margaret)
    url = f"/admin/treatments/formulation/{cocktail.pk}/change/"
    assert 'name="_save"' not in client.get(url).content.decode()
    assert client.post(url, {"name": "Renamed"}).status_code == 403
    cocktail.refresh_from_db()
    assert cocktail.name != "Renamed"


CLINICAL_DEFAULTS = [
    (
        "treatments",
        "ingredient",
        lambda: Ingredient.objects.get(name=ZINC),
        {"max_per_session": "1.5"},
        "Maximum per session",
    ),
    (
        "patients",
        "contraindication",
        lambda: Contraindication.objects.get(name__startswith="Aspirin"),
        {"waiting_days": "14", "level": "block"},
        "Waiting days",
    ),
    ("treatments", "protocol", lambda: Protocol.objects.get(name="Skin rejuvenation"), {"min_days": "10"}, "Min"),
    (
        "treatments",
        "aftercaretopic",
        lambda: AftercareTopic.objects.filter(kind="instruction").first(),
        {"duration_en": "3 days"},
        "Duration",
    ),
    (
        "treatments",
        "allergen",
        lambda: Allergen.objects.get(name="Lidocaine"),
        {"also_known_as": "xylocaine, lignocaine, lidocaine hydrochloride, lidocaine HCl"},
        "Also known as",
    ),
    (
        "treatments",
        "treatmentarea",
        lambda: TreatmentArea.objects.get(name="Scalp"),
        {"aftercare_notes_en": "Wash your hair the next day."},
        "Aftercare notes",
    ),
]


@pytest.mark.parametrize(("app", "model", "row", "change", "label"), CLINICAL_DEFAULTS)
def test_a_change_to_a_clinical_default_is_in_its_history(client, margaret, app, model, row, change, label):
    default = row()
    url = f"/admin/{app}/{model}/{default.pk}/"
    client.force_login(margaret)

    response = client.post(f"{url}change/", form_data(client.get(f"{url}change/")) | change)
    assert response.status_code == 302, response.context["adminform"].form.errors

    latest = type(default).history.filter(id=default.pk).first()
    assert latest.history_user == margaret
    changed = latest.diff_against(latest.prev_record)
    assert set(changed.changed_fields) == set(change)
    history = client.get(f"{url}history/").content.decode()
    assert margaret.get_full_name() in history
    assert label.lower() in history.lower()


def test_a_dermatologist_corrects_a_lots_mistyped_expiry_and_its_history_keeps_the_old_one(
    client, dermatologist_in_admin, margaret
):
    lot = Lot.objects.create(product=ProductFactory(name="HA vial"), lot_number="HA-1", expiry_date=date(2027, 3, 31))
    url = f"/admin/treatments/lot/{lot.pk}/change/"

    client.force_login(margaret)
    assert client.post(url, {"expiry_date": "2027-09-30"}).status_code == 403
    client.force_login(dermatologist_in_admin)
    page = client.get(url).content.decode()
    assert 'name="expiry_date"' in page and 'name="lot_number"' not in page  # the number is the lot itself
    assert client.post(url, {"expiry_date": "2027-09-30", "lot_number": "FORGED"}).status_code == 302

    lot.refresh_from_db()
    assert (lot.lot_number, lot.expiry_date) == ("HA-1", date(2027, 9, 30))
    before, after = lot.history.order_by("history_date")[:2]
    assert before.expiry_date == date(2027, 3, 31) and after.history_user == dermatologist_in_admin
    assert client.get("/admin/treatments/lot/add/").status_code == 403
