"""Spacing, course order and blocks refuse a session unless a dermatologist overrides them in
writing; the override is part of the record, on the session, the course and the chart."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from clinic.roles import Role
from tests.factories import PatientConditionFactory, PatientFactory, ProductFactory, TreatmentPlanFactory, UserFactory
from treatments.models import Lot as RegisteredLot
from treatments.models import Override, TreatmentArea, TreatmentSession
from treatments.overrides import OverrideNeeded
from treatments.records import AdministeredArea, Lot, amend_session
from workday.visits import record_visit

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2026, 3, 2)
REASON = "Patient leaves for three months abroad; spacing discussed and accepted."
SPACING, ORDER, AREA_SPACING, BLOCK = Override.Rule.values


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(hour=hour, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def monday(time_machine):
    time_machine.move_to(at(MONDAY, 12), tick=False)


@pytest.fixture
def patient(db):
    return PatientFactory(first_name="Inès", last_name="Dupont")


@pytest.fixture
def course(patient, derek):
    """Four sessions on the face from Monday 2 March, 7 to 28 days apart."""
    return TreatmentPlanFactory(patient=patient, created_by=derek)


def session(plan, number: int) -> TreatmentSession:
    return plan.sessions.get(number=number)


def record(plan, number: int, *, on: datetime, by, **extra) -> TreatmentSession:
    return record_visit(
        session=session(plan, number),
        done_at=on,
        practitioner=by,
        formulation=plan.formulation,
        areas=[AdministeredArea(TreatmentArea.objects.get(name="Face"), Decimal(2), "nappage")],
        lots=[Lot(ProductFactory(name="HA vial"), "HA-1", MONDAY + timedelta(days=300))],
        recorded_by=by,
        **extra,
    )


def refused_rules(call) -> list[str]:
    with pytest.raises(OverrideNeeded) as refused:
        call()
    return [breach.rule for breach in refused.value.breaches]


def test_a_session_before_its_window_is_refused_then_recorded_with_an_override(course, derek, time_machine):
    record(course, 1, on=at(MONDAY), by=derek)
    time_machine.move_to(at(MONDAY + timedelta(days=1), 12), tick=False)
    tuesday = at(MONDAY + timedelta(days=1))

    with pytest.raises(OverrideNeeded) as refused:
        record(course, 2, on=tuesday, by=derek)
    [breach] = refused.value.breaches
    assert breach.rule == SPACING
    assert breach.message == "Session 2 may be given from 09/03/2026, 7 days after session 1 (done 02/03/2026)."
    assert session(course, 2).status != TreatmentSession.Status.DONE

    recorded = record(course, 2, on=tuesday, by=derek, override_reason=REASON, overriding=[breach.key])

    assert recorded.status == TreatmentSession.Status.DONE
    [override] = recorded.overrides.all()
    assert (override.rule, override.reason, override.overridden_by, override.plan) == (SPACING, REASON, derek, course)
    assert override.finding == breach.message


def test_an_hour_after_the_previous_session_is_refused(course, derek, time_machine):
    record(course, 1, on=at(MONDAY, 9), by=derek)
    assert refused_rules(lambda: record(course, 2, on=at(MONDAY, 10), by=derek)) == [SPACING]


@pytest.mark.parametrize("reason", ["ok", "Fine.", "   "])
def test_an_override_must_say_why_in_a_sentence(course, derek, time_machine, reason):
    record(course, 1, on=at(MONDAY), by=derek)
    time_machine.move_to(at(MONDAY + timedelta(days=1), 12), tick=False)
    with pytest.raises(OverrideNeeded) as refused:
        record(course, 2, on=at(MONDAY + timedelta(days=1)), by=derek)
    keys = [breach.key for breach in refused.value.breaches]

    with pytest.raises((ValidationError, OverrideNeeded)) as again:
        record(course, 2, on=at(MONDAY + timedelta(days=1)), by=derek, override_reason=reason, overriding=keys)

    if isinstance(again.value, ValidationError):
        assert "in a sentence" in again.value.message_dict["override_reason"][0]
    assert not Override.objects.exists()


def test_a_reason_covers_only_the_breaches_it_was_written_for(course, patient, derek, time_machine):
    record(course, 1, on=at(MONDAY), by=derek)
    time_machine.move_to(at(MONDAY + timedelta(days=1), 12), tick=False)
    with pytest.raises(OverrideNeeded) as refused:
        record(course, 2, on=at(MONDAY + timedelta(days=1)), by=derek)
    shown = [breach.key for breach in refused.value.breaches]
    PatientConditionFactory(patient=patient, named="Pregnancy or breastfeeding")  # meanwhile, on the chart

    rules = refused_rules(
        lambda: record(course, 2, on=at(MONDAY + timedelta(days=1)), by=derek, override_reason=REASON, overriding=shown)
    )

    assert rules == [BLOCK, SPACING]
    assert not Override.objects.exists()


def test_sessions_are_given_in_the_course_order(course, derek, time_machine):
    record(course, 1, on=at(MONDAY), by=derek)
    time_machine.move_to(at(MONDAY + timedelta(days=15), 12), tick=False)

    assert refused_rules(lambda: record(course, 3, on=at(MONDAY + timedelta(days=15)), by=derek)) == [ORDER]
    assert session(course, 3).status == TreatmentSession.Status.PLANNED


def test_the_same_area_in_two_courses_an_hour_apart_is_refused(course, patient, derek):
    other = TreatmentPlanFactory(patient=patient, created_by=derek, indication="hair_loss")
    record(course, 1, on=at(MONDAY, 9), by=derek)

    with pytest.raises(OverrideNeeded) as refused:
        record(other, 1, on=at(MONDAY, 10), by=derek)

    [breach] = refused.value.breaches
    assert breach.rule == AREA_SPACING
    assert breach.message.startswith("Face treated on 02/03/2026 in the patient's skin rejuvenation course")


def test_a_block_is_overridden_only_by_a_dermatologist(course, patient, derek, time_machine):
    PatientConditionFactory(patient=patient, named="Pregnancy or breastfeeding")
    nurse = UserFactory(username="nurse", role=Role.FRONT_DESK)
    with pytest.raises(OverrideNeeded) as refused:
        record(course, 1, on=at(MONDAY), by=derek)
    keys = [breach.key for breach in refused.value.breaches]

    with pytest.raises(ValidationError) as not_allowed:
        record(course, 1, on=at(MONDAY), by=nurse, override_reason=REASON, overriding=keys)
    assert not_allowed.value.message_dict["override_reason"] == ["Only a dermatologist may override these rules."]

    recorded = record(course, 1, on=at(MONDAY), by=derek, override_reason=REASON, overriding=keys)
    assert [override.rule for override in recorded.overrides.all()] == [BLOCK]


def test_an_amendment_cannot_move_a_session_before_the_one_before_it(course, derek, time_machine):
    record(course, 1, on=at(MONDAY), by=derek)
    time_machine.move_to(at(MONDAY + timedelta(days=14), 12), tick=False)
    second = record(course, 2, on=at(MONDAY + timedelta(days=14)), by=derek)

    with pytest.raises(ValidationError) as refused:
        amend_session(
            session=second, reason="The date was typed wrong at first", amended_by=derek, done_at=at(MONDAY, 8)
        )

    assert refused.value.message_dict["done_at"] == [
        "An earlier session was done on 02/03/2026 10:00; this one comes after it."
    ]
    assert session(course, 2).done_at == at(MONDAY + timedelta(days=14))


def test_an_amendment_closer_than_the_spacing_needs_an_override(course, derek, time_machine):
    record(course, 1, on=at(MONDAY), by=derek)
    time_machine.move_to(at(MONDAY + timedelta(days=14), 12), tick=False)
    second = record(course, 2, on=at(MONDAY + timedelta(days=14)), by=derek)
    moved = at(MONDAY + timedelta(days=3))

    with pytest.raises(OverrideNeeded) as refused:
        amend_session(session=second, reason="The date was typed wrong at first", amended_by=derek, done_at=moved)
    assert [breach.rule for breach in refused.value.breaches] == [SPACING]
    assert session(course, 2).done_at == at(MONDAY + timedelta(days=14))

    amend_session(
        session=second,
        reason="The date was typed wrong at first",
        amended_by=derek,
        done_at=moved,
        override_reason=REASON,
        overriding=[breach.key for breach in refused.value.breaches],
    )
    assert session(course, 2).done_at == moved
    assert session(course, 2).overrides.get().rule == SPACING


def test_an_amended_date_after_a_lot_expired_is_refused(course, derek, time_machine):
    first = record(course, 1, on=at(MONDAY), by=derek)
    RegisteredLot.objects.filter(uses__session=first).update(expiry_date=MONDAY)
    time_machine.move_to(at(MONDAY + timedelta(days=3), 12), tick=False)

    with pytest.raises(ValidationError) as refused:
        amend_session(
            session=first,
            reason="The date was typed wrong at first",
            amended_by=derek,
            done_at=at(MONDAY + timedelta(days=2)),
        )

    assert "expired on 02/03/2026" in refused.value.message_dict["done_at"][0]


# --- On the pages ----------------------------------------------------------------------------


def form_data(plan, number: int, on: datetime, **extra) -> dict:
    return {
        "done_at": f"{on:%Y-%m-%dT%H:%M}",
        "practitioner": plan.prescriber.pk,
        "formulation": plan.formulation.pk,
        "reactions": ["none"],
        "reaction_notes": "",
        "notes": "",
        "areas-TOTAL_FORMS": "1",
        "areas-INITIAL_FORMS": "0",
        "areas-0-area": TreatmentArea.objects.get(name="Face").pk,
        "areas-0-volume_ml": "2",
        "areas-0-technique": "nappage",
        "lots-TOTAL_FORMS": "1",
        "lots-INITIAL_FORMS": "0",
        "lots-0-product": ProductFactory(name="HA vial").name,
        "lots-0-lot_number": "HA-PAGE",
        "lots-0-expiry_date": "2027-01-31",
        **extra,
    }


def test_the_session_page_asks_for_the_override_next_to_its_field_and_keeps_it_on_the_record(
    client, course, derek, charlie, time_machine
):
    record(course, 1, on=at(MONDAY), by=derek)
    time_machine.move_to(at(MONDAY + timedelta(days=1), 12), tick=False)
    client.force_login(derek)
    url = f"/sessions/{session(course, 2).pk}/"
    tuesday = at(MONDAY + timedelta(days=1))

    refused = client.post(url, form_data(course, 2, tuesday))

    assert refused.status_code == 200
    errors = refused.context["record"].errors["override_reason"]
    assert errors[0].startswith("Refused: Session 2 may be given from 09/03/2026")
    keys = refused.context["override_keys"]
    assert f'name="overridden_rules" value="{keys}"' in refused.content.decode()
    assert session(course, 2).status != TreatmentSession.Status.DONE

    done = client.post(url, form_data(course, 2, tuesday, override_reason=REASON, overridden_rules=keys))

    assert done.status_code == 302
    for page in (url, f"/plans/{course.pk}/", f"/patients/{course.patient.pk}/"):
        text = client.get(page).content.decode()
        assert "Closer than the course&#x27;s minimum spacing" in text, page
        assert REASON in text, page
    client.force_login(charlie)
    assert REASON not in client.get(f"/plans/{course.pk}/").content.decode()
    assert REASON not in client.get(f"/patients/{course.patient.pk}/").content.decode()


def test_a_missed_session_still_comes_first_and_a_skipped_one_does_not(course, derek, time_machine):
    record(course, 1, on=at(MONDAY), by=derek)
    course.sessions.filter(number=2).update(status=TreatmentSession.Status.MISSED)
    time_machine.move_to(at(MONDAY + timedelta(days=15), 12), tick=False)
    assert refused_rules(lambda: record(course, 3, on=at(MONDAY + timedelta(days=15)), by=derek)) == [ORDER]

    course.sessions.filter(number=2).update(status=TreatmentSession.Status.SKIPPED, skip_reason=REASON)
    assert record(course, 3, on=at(MONDAY + timedelta(days=15)), by=derek).status == TreatmentSession.Status.DONE
