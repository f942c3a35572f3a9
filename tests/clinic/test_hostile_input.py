"""Hostile input never gives a 5xx, never echoes raw HTML, and a refused submit changes nothing.

For each form, hypothesis posts random values (empty, huge, unicode, SQL and HTML fragments,
wrong types, out-of-range dates, other rows' ids) into its fields, as a user who may use it.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patients.models import Contraindication
from patients.registry import record_condition
from scheduling.models import Appointment, Room
from tests.factories import FormulationFactory, PatientFactory, record_visit_of
from treatments import plans
from treatments.models import TreatmentArea

MARKER = "<script>alert(1)</script>"
HOSTILE = st.one_of(
    st.just(""),
    st.just(MARKER),
    st.just("'; DROP TABLE patients_patient; --"),
    st.just("0001-01-01"),
    st.just("9999-12-31T23:59"),
    st.just("-1"),
    st.just("99999999999999999999"),
    st.just("00000000-0000-0000-0000-000000000000"),
    st.just("1e309"),
    st.text(max_size=30),
    st.text(min_size=300, max_size=600),
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
)
COUNTED = [
    "patients.Patient",
    "patients.PatientCondition",
    "treatments.Formulation",
    "treatments.TreatmentPlan",
    "treatments.SessionAmendment",
    "treatments.AdverseEvent",
    "treatments.SuspectedAllergy",
    "scheduling.Appointment",
    # and the audit trail: a refused submit leaves no history either
    "patients.HistoricalPatient",
    "patients.HistoricalPatientCondition",
    "treatments.HistoricalFormulation",
    "treatments.HistoricalFormulationLine",
    "treatments.HistoricalTreatmentPlan",
    "treatments.HistoricalTreatmentSession",
    "treatments.HistoricalAdverseEvent",
    "scheduling.HistoricalAppointment",
]


def counts() -> dict:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


@pytest.fixture
def world(alice, bob, charlie, derek):
    cocktail = FormulationFactory(patient=alice, created_by=derek, ingredients=["Zinc"], total_volume_ml=3)
    plan = plans.create_plan(
        patient=alice,
        formulation=cocktail,
        areas=[plans.AreaVolume(TreatmentArea.objects.get(name="Face"), Decimal(2))],
        start_date=timezone.localdate(),
        sessions_planned=3,
        interval_days=14,
        min_days=7,
        max_days=28,
        created_by=derek,
    )
    session = plan.sessions.get(number=1)
    done_session = record_visit_of(
        session, by=derek, lot_number="L-1", expiry=timezone.localdate() + timedelta(days=90)
    )
    start = timezone.now() + timedelta(days=5)
    appointment = Appointment.objects.create(
        patient=alice,
        practitioner=derek,
        room=Room.objects.create(name="Fuzz room"),
        start=start,
        end=start + timedelta(minutes=30),
        booked_by=charlie,
    )
    condition = record_condition(
        patient=alice,
        contraindication=Contraindication.objects.get(name="Keloid or hypertrophic scarring (self or family)"),
        recorded_by=derek,
    )
    return {
        "condition": condition,
        "alice": alice,
        "bob": bob,
        "charlie": charlie,
        "derek": derek,
        "plan": plan,
        "session": plan.sessions.get(number=2),
        "done": done_session,
        "formulation": cocktail,
        "appointment": appointment,
    }


# (who, path, fields posted); {alice}, {plan}, {session} are filled from `world`.
FORMS = [
    ("charlie", "/patients/new/", ["first_name", "last_name", "date_of_birth", "sex", "phone", "email", "address"]),
    ("derek", "/patients/{alice}/edit/", ["first_name", "date_of_birth", "allergies", "skin_type"]),
    ("charlie", "/patients/{alice}/consents/paper/", ["form", "signed_on"]),
    ("derek", "/patients/{alice}/conditions/", ["contraindication", "started_on", "ended_on", "notes"]),
    ("derek", "/formulations/new/", ["name", "indication", "total_volume_ml", "lines-TOTAL_FORMS", "lines-0-amount"]),
    ("derek", "/plans/new/?patient={alice}", ["formulation", "start_date", "sessions_planned", "interval_days"]),
    (
        "derek",
        "/sessions/{session}/",
        ["done_at", "practitioner", "reactions", "areas-TOTAL_FORMS", "lots-0-expiry_date"],
    ),
    ("charlie", "/appointments/new/", ["patient", "practitioner", "room", "start", "minutes", "session"]),
    ("derek", "/patients/{alice}/conditions/{condition}/end/", ["ended_on"]),
    ("derek", "/formulations/preview/", ["patient", "total_volume_ml", "lines-TOTAL_FORMS", "lines-0-ingredient"]),
    ("derek", "/plans/preview/", ["patient", "protocol", "start_date", "interval_days", "max_days"]),
    (
        "derek",
        "/sessions/{done}/amend/",
        ["done_at", "practitioner", "reactions", "reaction_notes", "notes", "reason", "amendments_seen"],
    ),
    (
        "derek",
        "/sessions/{done}/adverse-events/new/",
        ["onset_date", "type", "severity", "follow_up_date", "reported_to_vigilance", "vigilance_reference"],
    ),
    ("derek", "/formulations/{formulation}/edit/", ["name", "total_volume_ml", "lines-TOTAL_FORMS", "lines-0-unit"]),
    ("derek", "/formulations/{formulation}/acknowledge/", ["finding_key", "reason"]),
    ("derek", "/plans/{plan}/stop/", ["reason"]),
    ("charlie", "/plans/{plan}/book/", ["practitioner", "minutes", "weekday", "time_of_day"]),
    ("charlie", "/appointments/{appointment}/reschedule/", ["start", "minutes", "practitioner", "room"]),
    ("charlie", "/appointments/{appointment}/cancel/", ["reason"]),
    ("charlie", "/appointments/{appointment}/status/", ["action", "next"]),
    ("alice_user", "/portal/appointments/{appointment}/cancel/", ["reason"]),
    ("anonymous", "/accounts/login/", ["username", "password", "next"]),
    ("derek", "/lots/?q=x", []),
]


@pytest.mark.parametrize(("who", "path", "fields"), FORMS, ids=[form[1] for form in FORMS])
def test_hostile_submits_never_break_anything(world, who, path, fields):
    client = Client(raise_request_exception=False)
    if who == "alice_user":
        client.force_login(world["alice"].portal_user)
    elif who != "anonymous":
        client.force_login(world[who])
    ids = {
        name: world[name].pk for name in ("alice", "plan", "session", "done", "formulation", "appointment", "condition")
    }
    url = path.format(**ids)

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({field: HOSTILE for field in fields}))
    def submit(values):
        before = counts()
        response = client.post(url, values) if fields else client.get(url, {"q": values.get("q", MARKER)})
        assert response.status_code < 500, (url, values)
        if response.status_code != 302:
            assert counts() == before, (url, values)
        assert MARKER not in response.content.decode(errors="replace"), (url, values)

    submit()


def test_a_hostile_search_never_breaks_the_patient_list(client, charlie):
    PatientFactory(last_name=MARKER)
    client.force_login(charlie)
    for query in [MARKER, "%", "_", "\\", "' OR 1=1 --", "é" * 500, "2026-02-30", "+33" * 40]:
        response = client.get("/patients/", {"q": query})
        assert response.status_code == 200
        assert MARKER not in response.content.decode()
