"""The clinical hold: a patient whom safety blocks from their next session (pregnancy
recorded today, say) shows as "Clinical hold — see the dermatologist" wherever the desk
books or welcomes them, without the clinical detail; clinicians see the reason. The hold
warns: the booking and the check-in still go through, the patient sees the dermatologist."""

from datetime import timedelta

import pytest
from django.utils import timezone

from patients.models import Contraindication
from scheduling.models import Appointment
from tests.factories import (
    AppointmentFactory,
    PatientConditionFactory,
    PatientFactory,
    RoomFactory,
    TreatmentPlanFactory,
)
from treatments import holds
from treatments.models import Allergen, Allergy, Ingredient, UnverifiedAllergy

HOLD = "Clinical hold — see the dermatologist"
PREGNANCY = "Pregnancy or breastfeeding"


def course_booked_today(patient, derek, charlie, *, hour=9):
    plan = TreatmentPlanFactory(patient=patient, created_by=derek)
    return AppointmentFactory(
        patient=patient,
        practitioner=derek,
        room=RoomFactory(name=f"Room {hour}"),
        start=timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0),
        session=plan.sessions.get(number=1),
        booked_by=charlie,
    )


@pytest.fixture
def pregnant_today(alice, derek, charlie):
    """Alice's first course session booked this morning; her pregnancy recorded today."""
    appointment = course_booked_today(alice, derek, charlie)
    PatientConditionFactory(patient=alice, named=PREGNANCY, started_on=timezone.localdate(), recorded_by=derek)
    return appointment


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


PAGES = {
    "today": lambda appointment: "/today/",
    "appointment": lambda appointment: appointment.get_absolute_url(),
    "booking form": lambda appointment: f"/appointments/new/?patient={appointment.patient_id}",
    "patient picked in the booking form": lambda a: f"/appointments/new/hold/?patient={a.patient_id}",
    "course booking": lambda appointment: f"/plans/{appointment.session.plan_id}/book/",
}


@pytest.mark.parametrize("where", PAGES)
def test_the_front_desk_sees_the_hold_but_not_why(client, charlie, pregnant_today, where):
    client.force_login(charlie)
    text = page(client, PAGES[where](pregnant_today))
    assert HOLD in text
    assert "Pregnancy" not in text


@pytest.mark.parametrize("where", PAGES)
def test_the_dermatologist_sees_the_hold_and_its_reason(client, derek, pregnant_today, where):
    client.force_login(derek)
    text = page(client, PAGES[where](pregnant_today))
    assert HOLD in text
    assert PREGNANCY in text


@pytest.mark.parametrize("where", PAGES)
def test_no_hold_when_nothing_blocks(client, charlie, derek, bob, where):
    appointment = course_booked_today(bob, derek, charlie)
    # A warning calls for care, not for a hold.
    PatientConditionFactory(patient=bob, named="Keloid or hypertrophic scarring (self or family)")
    client.force_login(charlie)
    assert HOLD not in page(client, PAGES[where](appointment))


def test_the_desk_checks_in_a_held_patient_and_the_hold_stays_in_sight(client, charlie, pregnant_today):
    client.force_login(charlie)
    response = client.post(
        f"/appointments/{pregnant_today.pk}/status/", {"action": "check_in", "next": "/today/"}, follow=True
    )
    pregnant_today.refresh_from_db()
    assert pregnant_today.status == Appointment.Status.CHECKED_IN
    assert HOLD in response.content.decode()
    assert HOLD in page(client, pregnant_today.get_absolute_url())


def test_a_held_patient_can_still_be_booked_and_the_appointment_shows_the_hold(
    client, charlie, derek, derek_works, pregnant_today
):
    client.force_login(charlie)
    booking = {
        "patient": str(pregnant_today.patient_id),
        "practitioner": str(derek.pk),
        "room": str(pregnant_today.room_id),
        "start": (timezone.localdate() + timedelta(days=1)).strftime("%Y-%m-%dT10:00"),
        "minutes": "30",
        "session": "",
    }
    response = client.post("/appointments/new/", booking, follow=True)
    assert response.redirect_chain
    assert Appointment.objects.filter(patient=pregnant_today.patient).count() == 2
    assert HOLD in response.content.decode()


def test_the_hold_ends_with_the_appointment(client, charlie, pregnant_today):
    Appointment.objects.filter(pk=pregnant_today.pk).update(status=Appointment.Status.NO_SHOW)
    client.force_login(charlie)
    assert HOLD not in page(client, pregnant_today.get_absolute_url())


def test_the_hold_of_a_picked_patient_answers_404_for_a_bad_address(client, charlie):
    client.force_login(charlie)
    assert client.get("/appointments/new/hold/?patient=not-a-uuid").status_code == 404
    assert client.get("/appointments/new/hold/").status_code == 404
    assert HOLD not in page(client, f"/appointments/new/hold/?patient={PatientFactory().pk}")


def test_a_patient_cannot_ask_for_holds(client, alice):
    client.force_login(alice.portal_user)
    assert client.get(f"/appointments/new/hold/?patient={alice.pk}").status_code == 403


# Every source of a block in safety holds the patient, whether asked alone or for a day's agenda.
def allergic_to_the_cocktail(patient):
    Allergy.objects.create(patient=patient, allergen=Ingredient.objects.get(name="Zinc").own_allergen)


def allergic_to_salicylates_typed_unverified(patient):
    # A hold from an allergy a dermatologist has not resolved yet, and one to an allergen in
    # no cocktail of the course: only the first holds.
    patient.allergens.add(Allergen.objects.get(name="Salicylates"))
    UnverifiedAllergy.objects.create(patient=patient, text="penicillin", key="penicillin")


def under_18(patient):
    patient.date_of_birth = timezone.localdate() - timedelta(days=365 * 16)
    patient.save()


def chemotherapy_ended_last_month(patient):
    PatientConditionFactory(
        patient=patient,
        named="Cancer, chemotherapy or radiotherapy",
        ended_on=timezone.localdate() - timedelta(days=20),
    )


@pytest.mark.parametrize(
    "blocked",
    [allergic_to_the_cocktail, allergic_to_salicylates_typed_unverified, under_18, chemotherapy_ended_last_month],
)
def test_each_kind_of_block_holds_the_patient(derek, charlie, bob, blocked):
    held = PatientFactory()
    visits = [course_booked_today(patient, derek, charlie, hour=9 + n) for n, patient in enumerate([bob, held])]
    blocked(held)
    today = timezone.localdate()

    found = holds.holds_for([(a.patient, a.session) for a in visits], on_date=today)

    assert list(found) == [(held.pk, visits[1].session_id)]
    alone = holds.hold_for(held, visits[1].session, on_date=today)
    assert alone == found[(held.pk, visits[1].session_id)]
    assert holds.hold_for(bob, visits[0].session, on_date=today) is None


def test_a_block_limited_to_other_ingredients_holds_nobody(derek, charlie, bob):
    appointment = course_booked_today(bob, derek, charlie)
    PatientConditionFactory(patient=bob, named="Salicylate allergy")  # only with organic silicon
    assert Contraindication.objects.get(name="Salicylate allergy").level == "block"
    today = timezone.localdate()
    assert holds.holds_for([(bob, appointment.session)], on_date=today) == {}
    assert holds.hold_for(bob, None, on_date=today) is None
