"""seed_scale with tiny numbers: the clinic it makes holds together and its pages open.

The suite runs with clinic.settings, where the bench app is not installed: the tests call
the command object itself."""

from itertools import combinations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from bench.management.commands.seed_scale import Command
from clinic.models import User
from patients.models import Patient
from scheduling.models import Appointment
from tests.factories import PatientFactory
from treatments.models import Allergen, TreatmentPlan, TreatmentSession

pytestmark = pytest.mark.django_db


def seed(**options):
    call_command(Command(), patients=60, years=1, practitioners=3, rooms=2, allow_any_database=True, **options)


def overlapping_pairs(appointments, key):
    by_key = {}
    for appointment in appointments:
        by_key.setdefault(getattr(appointment, key), []).append(appointment)
    return [
        (a, b) for group in by_key.values() for a, b in combinations(group, 2) if a.start < b.end and b.start < a.end
    ]


def test_generates_a_clinic_that_holds_together(client):
    seed()
    assert Patient.objects.count() == 60
    assert User.objects.filter(groups__name="dermatologist").count() == 3
    live = list(Appointment.objects.live())
    assert len(live) > 500  # a year of two busy rooms
    for key in ("practitioner_id", "room_id", "patient_id"):
        assert overlapping_pairs(live, key) == [], key
    assert Appointment.objects.filter(status=Appointment.Status.CANCELLED).exists()
    assert Appointment.objects.filter(status=Appointment.Status.NO_SHOW).exists()
    done = TreatmentSession.objects.filter(status=TreatmentSession.Status.DONE)
    assert done.exists()
    assert not done.filter(lots__isnull=True).exists()
    assert not done.filter(areas__isnull=True).exists()
    for session in done.select_related("formulation")[:20]:
        assert session.formulation.is_frozen
        appointment = session.appointments.get()
        assert session.earliest_date <= timezone.localtime(appointment.start).date() <= session.latest_date
    # A booked session knows when and with whom its live appointment books it; no other session does.
    booked = TreatmentSession.objects.filter(status=TreatmentSession.Status.BOOKED)
    assert booked.exists()
    for session in booked:
        appointment = session.appointments.live().get()
        assert (session.booked_for, session.booked_with_id) == (appointment.start, appointment.practitioner_id)
    not_booked = TreatmentSession.objects.exclude(status=TreatmentSession.Status.BOOKED)
    assert not not_booked.filter(Q(booked_for__isnull=False) | Q(booked_with__isnull=False)).exists()

    desk = User.objects.get(username="scale.desk")
    assert desk.check_password("mesoplan-scale")
    client.force_login(desk)
    plan = TreatmentPlan.objects.filter(sessions__status="done").first()
    for url in (
        "/today/",
        f"/schedule/?date={timezone.localdate():%Y-%m-%d}",
        "/patients/?q=a",
        plan.patient.get_absolute_url(),
        plan.get_absolute_url(),
    ):
        assert client.get(url).status_code == 200, url


def test_runs_again_only_when_asked_and_only_over_its_own_data():
    seed()
    with pytest.raises(CommandError, match="--replace"):
        seed()
    seed(replace=True)
    assert Patient.objects.count() == 60
    # The catalogues the migrations load stay, the allergens and what they contain among them.
    assert Allergen.objects.get(name="Zinc").ingredients.get().name == "Zinc"
    assert Allergen.objects.filter(name="Lidocaine").exists()
    PatientFactory()
    with pytest.raises(CommandError, match="did not create"):
        seed(replace=True)
    assert Patient.objects.count() == 61


def test_refuses_other_databases_without_the_flag():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL is the database it is meant for")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command(Command(), patients=5, years=1)
