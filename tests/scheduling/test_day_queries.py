"""The day calendar and today's agenda make as many queries for a full day as for a quiet one."""

import re
from datetime import time, timedelta

import pytest

from clinic.roles import Role
from scheduling.models import Appointment
from tests.factories import PatientConditionFactory, PatientFactory, RoomFactory, TreatmentPlanFactory, UserFactory
from tests.scheduling.conftest import MONDAY, at, works_all_week

PRACTITIONERS = 28  # 500 half hours between 09:00 and 18:00 need 28 people and 28 rooms
PATIENTS = 50
PLANS = 5
STATUSES = [
    Appointment.Status.BOOKED,
    Appointment.Status.CHECKED_IN,
    Appointment.Status.DONE,
    Appointment.Status.BOOKED,
    Appointment.Status.NO_SHOW,
]


@pytest.fixture
def fill_today(derek, charlie):
    """`fill_today(n)`: n half-hour appointments today, one after another for each of 28
    dermatologists (Derek first) in 28 rooms, for 50 patients of whom five have a course whose
    sessions some appointments book. Written straight to the table, as nothing is checked here."""

    def fill(count: int) -> list[Appointment]:
        practitioners = [derek] + [
            UserFactory(username=f"derm{n}", role=Role.DERMATOLOGIST) for n in range(1, PRACTITIONERS)
        ]
        for practitioner in practitioners:
            works_all_week(practitioner, start=time(9), end=time(18))
        rooms = [RoomFactory(name=f"Room {n:02d}") for n in range(PRACTITIONERS)]
        patients = PatientFactory.create_batch(PATIENTS)
        courses = [TreatmentPlanFactory(patient=patients[n], created_by=derek) for n in range(PLANS)]
        sessions = {
            (plan.patient_id, visit): session
            for plan in courses
            for visit, session in enumerate(plan.sessions.order_by("number"))
        }
        appointments = []
        for n in range(count):
            # Patient p comes at n = p, p + 50, …: never twice at once. Their k-th visit books session k+1.
            patient = patients[n % PATIENTS]
            start = at(MONDAY, "09:00") + timedelta(minutes=30 * (n // PRACTITIONERS))
            appointments.append(
                Appointment(
                    patient=patient,
                    practitioner=practitioners[n % PRACTITIONERS],
                    room=rooms[n % PRACTITIONERS],
                    start=start,
                    end=start + timedelta(minutes=30),
                    session=sessions.get((patient.pk, n // PATIENTS)),
                    status=STATUSES[n % len(STATUSES)],
                    booked_by=charlie,
                )
            )
        assert start < at(MONDAY, "18:00")
        return Appointment.objects.bulk_create(appointments)

    return fill


# Both pages: session, user, the user's groups, then the page's own queries (named below).
# Measured with 10 appointments.
SCHEDULE_QUERIES = 5  # + appointments with patient, practitioner and room; working hours with practitioners
SCHEDULE_BY_ROOM_QUERIES = 6  # + rooms
# + appointments with what to prepare, plan areas, cocktail lines with ingredients; the cocktail
# versions to give with their lines (treatments.cocktails.versions_to_give); recent patients;
# who could be on clinical hold: allergies, blocking conditions, automatic blocks, suspected allergies;
# the records awaiting the user's signature; what the visits still need signed or answered
# (consents.gate.missing_for_sessions: forms, their protocols, their versions, signatures,
# questionnaires, the clinic's policy)
TODAY_QUERIES = 20
HELD_VISIT_QUERIES = 10  # safety's check of one held visit: allergies, unverified allergies,
# automatic blocks and their ingredients, conditions and their ingredients, suspected allergies,
# the previous session's reaction, acknowledgements; the blocks overridden for its course


@pytest.mark.parametrize("count", [10, 500])
@pytest.mark.parametrize(("view", "queries"), [("", SCHEDULE_QUERIES), ("rooms", SCHEDULE_BY_ROOM_QUERIES)])
def test_the_day_calendar_queries_stay_flat(
    client, charlie, fill_today, django_assert_max_num_queries, count, view, queries
):
    appointments = fill_today(count)
    live = [a for a in appointments if a.status in Appointment.LIVE]
    client.force_login(charlie)

    with django_assert_max_num_queries(queries):
        response = client.get("/schedule/", {"date": MONDAY.isoformat(), "view": view})

    assert response.status_code == 200
    assert len(response.context["appointments"]) == len(live)
    assert response.content.decode().count('class="appointment status-') == len(live)


@pytest.mark.parametrize("count", [10, 500])
@pytest.mark.parametrize("user", ["charlie", "derek"])
def test_todays_agenda_queries_stay_flat(client, request, fill_today, django_assert_max_num_queries, count, user):
    appointments = fill_today(count)
    who = request.getfixturevalue(user)
    mine = [a for a in appointments if user == "charlie" or a.practitioner_id == who.pk]
    with_sessions = sum(1 for a in mine if a.session_id)
    assert with_sessions
    client.force_login(who)

    with django_assert_max_num_queries(TODAY_QUERIES):
        response = client.get("/today/")

    assert response.status_code == 200
    assert len(response.context["appointments"]) == len(mine)
    assert len(re.findall(r"Session \d of 4 ·", response.content.decode())) == with_sessions


def test_todays_agenda_queries_grow_only_with_the_visits_on_clinical_hold(
    client, charlie, fill_today, django_assert_max_num_queries
):
    appointments = fill_today(100)
    course_patient = next(a.patient for a in appointments if a.session_id)
    PatientConditionFactory(patient=course_patient, named="Pregnancy or breastfeeding")
    held = [a for a in appointments if a.patient_id == course_patient.pk and a.status in ("booked", "checked_in")]
    assert held
    client.force_login(charlie)

    with django_assert_max_num_queries(TODAY_QUERIES + HELD_VISIT_QUERIES * len(held)):
        response = client.get("/today/")

    assert response.content.decode().count("Clinical hold — see the dermatologist") == len(held)
