"""Who may open which page: one row per page, one column per caller.

Later issues add their pages to ACCESS. Expected answers: 200 page, "login" a redirect to
the sign-in page, a path a redirect there, 403 wrong role, 404 out of reach, 405 wrong method.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone

from clinic.roles import Role
from patients.models import Contraindication
from patients.registry import record_condition
from scheduling.models import Appointment, Room
from tests.factories import UserFactory
from treatments.cocktails import LineSpec, compose_formulation
from treatments.models import Indication, Ingredient, TreatmentArea
from treatments.plans import AreaVolume, create_plan

CALLERS = ["anonymous", "alice", "bob", "charlie", "derek", "margaret", "nobody"]

# path (with {alice} for Alice's patient id), then answers in CALLERS order.
ACCESS = [
    ("/", ["login", "/portal/", "/portal/", "/today/", "/today/", "/today/", 403]),
    ("/today/", ["login", 403, 403, 200, 200, 200, 403]),
    ("/portal/", ["login", 200, 200, 403, 403, 403, 403]),
    ("/patients/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/patients/new/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/patients/{alice}/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/patients/{alice}/edit/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/patients/{alice}/archive/", [405, 405, 405, 405, 405, 405, 405]),
    ("/patients/{alice}/restore/", [405, 405, 405, 405, 405, 405, 405]),
    ("/patients/00000000-0000-0000-0000-000000000000/", ["login", 403, 403, 404, 404, 403, 403]),
    ("/patients/{alice}/conditions/", [405, 405, 405, 405, 405, 405, 405]),
    ("/patients/{alice}/conditions/{condition}/end/", [405, 405, 405, 405, 405, 405, 405]),
    ("/formulations/", ["login", 403, 403, 403, 200, 403, 403]),
    ("/formulations/new/", ["login", 403, 403, 403, 200, 403, 403]),
    ("/formulations/new/?patient={alice}", ["login", 403, 403, 403, 200, 403, 403]),
    ("/formulations/{formulation}/", ["login", 403, 403, 403, 200, 403, 403]),
    ("/formulations/{formulation}/edit/", ["login", 403, 403, 403, 200, 403, 403]),
    ("/formulations/{formulation}/acknowledge/", [405, 405, 405, 405, 405, 405, 405]),
    ("/formulations/999999/", ["login", 403, 403, 403, 404, 403, 403]),
    ("/formulations/preview/", [405, 405, 405, 405, 405, 405, 405]),
    ("/plans/new/?patient={alice}", ["login", 403, 403, 403, 200, 403, 403]),
    ("/plans/new/", ["login", 403, 403, 403, 404, 403, 403]),
    ("/plans/preview/", [405, 405, 405, 405, 405, 405, 405]),
    ("/plans/{plan}/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/plans/{plan}/plan.pdf", ["login", 200, 404, 200, 200, 403, 403]),
    ("/plans/{plan}/print/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/plans/{plan}/stop/", [405, 405, 405, 405, 405, 405, 405]),
    ("/plans/{plan}/activate/", ["login", 403, 403, 403, 302, 403, 403]),  # a started course: to its page
    ("/plans/{plan}/resume/", [405, 405, 405, 405, 405, 405, 405]),
    ("/plans/00000000-0000-0000-0000-000000000000/", ["login", 403, 403, 404, 404, 403, 403]),
    ("/sessions/{session}/", ["login", 403, 403, 403, 200, 403, 403]),
    ("/sessions/{session}/amend/", [405, 405, 405, 405, 405, 405, 405]),
    ("/sessions/{session}/skip/", [405, 405, 405, 405, 405, 405, 405]),
    ("/sessions/{session}/sign/", [405, 405, 405, 405, 405, 405, 405]),
    ("/lots/", ["login", 403, 403, 403, 200, 403, 403]),
    ("/products/search/?q=vit", ["login", 403, 403, 403, 200, 403, 403]),
    ("/lots/search/?product=1&q=VC", ["login", 403, 403, 403, 200, 403, 403]),
    ("/adverse-events/", ["login", 403, 403, 403, 200, 403, 403]),
    ("/adverse-events/999999/", ["login", 403, 403, 403, 404, 403, 403]),
    (
        "/sessions/00000000-0000-0000-0000-000000000000/adverse-events/new/",
        ["login", 403, 403, 403, 404, 403, 403],
    ),
    ("/suspected-allergies/999999/", ["login", 403, 403, 403, 404, 403, 403]),
    ("/suspected-allergies/999999/confirm/", [405, 405, 405, 405, 405, 405, 405]),
    ("/suspected-allergies/999999/dismiss/", [405, 405, 405, 405, 405, 405, 405]),
    ("/unverified-allergies/999999/", ["login", 403, 403, 403, 404, 403, 403]),
    ("/unverified-allergies/999999/link/", [405, 405, 405, 405, 405, 405, 405]),
    ("/unverified-allergies/999999/not-relevant/", [405, 405, 405, 405, 405, 405, 405]),
    ("/schedule/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/schedule/?date=garbage", ["login", 403, 403, 404, 404, 403, 403]),
    ("/schedule/slots/?date=2030-01-07", ["login", 403, 403, 200, 200, 403, 403]),
    ("/appointments/new/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/appointments/patients/?q=ar", ["login", 403, 403, 200, 200, 403, 403]),
    ("/appointments/new/hold/?patient={alice}", ["login", 403, 403, 200, 200, 403, 403]),
    ("/appointments/{appointment}/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/appointments/{appointment}/reschedule/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/appointments/{appointment}/cancel/", [405, 405, 405, 405, 405, 405, 405]),
    ("/appointments/{appointment}/status/", [405, 405, 405, 405, 405, 405, 405]),
    # The appointment is in three days: staff are sent back to it, a no-show is not possible yet.
    (
        "/appointments/{appointment}/no-show/",
        ["login", 403, 403, "/appointments/{appointment}/", "/appointments/{appointment}/", 403, 403],
    ),
    ("/appointments/{appointment}/calendar.ics", ["login", 200, 404, 200, 200, 403, 403]),
    ("/plans/{plan}/book/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/waitlist/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/waitlist/999999/remove/", [405, 405, 405, 405, 405, 405, 405]),
    # Only a course session's appointment has a waitlist; this one is for no session.
    ("/appointments/{appointment}/waitlist/", ["login", 403, 403, 404, 404, 403, 403]),
    ("/calendar/", ["login", 403, 403, 403, 200, 403, 403]),
    ("/calendar/not-a-token.ics", [404, 404, 404, 404, 404, 404, 404]),
    ("/sessions/{session}/aftercare.pdf", ["login", 200, 404, 200, 200, 403, 403]),
    ("/sessions/{session}/aftercare/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/sessions/{session}/handed-over/", [405, 405, 405, 405, 405, 405, 405]),
    ("/today/print/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/patients/{alice}/invite/", [405, 405, 405, 405, 405, 405, 405]),
    ("/patients/{alice}/history/", ["login", 403, 403, 403, 200, 403, 403]),
    ("/portal/appointments/{appointment}/cancel/", [405, 405, 405, 405, 405, 405, 405]),
    ("/portal/welcome/MQ/not-a-token/", [200, 200, 200, 200, 200, 200, 200]),
    ("/portal/sessions/{session}/book/", ["login", 200, 404, 403, 403, 403, 403]),
    ("/portal/sessions/{session}/waitlist/", ["login", 200, 404, 403, 403, 403, 403]),
    ("/portal/sessions/{session}/waitlist/leave/", [405, 405, 405, 405, 405, 405, 405]),
    # Not a hold (or not one's own): the portal says it is no longer held, and tells nothing else.
    ("/portal/holds/{appointment}/", ["login", "/portal/", "/portal/", 403, 403, 403, 403]),
    ("/portal/holds/{appointment}/confirm/", [405, 405, 405, 405, 405, 405, 405]),
    ("/portal/holds/{appointment}/release/", [405, 405, 405, 405, 405, 405, 405]),
    ("/waitlist/offers/not-a-token/", [404, 404, 404, 404, 404, 404, 404]),
    ("/patients/{alice}/channels/", [405, 405, 405, 405, 405, 405, 405]),
    ("/messages/opt-out/not-a-token/", [400, 400, 400, 400, 400, 400, 400]),
    ("/patients/{alice}/consents/paper/", ["login", 403, 403, 200, 200, 403, 403]),
    ("/consents/00000000-0000-0000-0000-000000000000/withdraw/", ["login", 403, 403, 403, 404, 403, 403]),
    ("/consents/00000000-0000-0000-0000-000000000000.pdf", ["login", 403, 403, 404, 404, 403, 403]),
    ("/portal/consents/", ["login", 200, 200, 403, 403, 403, 403]),
    ("/portal/consents/999999/", ["login", 404, 404, 403, 403, 403, 403]),
    ("/portal/consents/00000000-0000-0000-0000-000000000000.pdf", ["login", 404, 404, 403, 403, 403, 403]),
    ("/portal/consents/00000000-0000-0000-0000-000000000000/withdraw/", ["login", 404, 404, 403, 403, 403, 403]),
    ("/portal/questionnaire/", ["login", 200, 200, 403, 403, 403, 403]),
    ("/patients/{alice}/questionnaire/", ["login", 403, 403, 403, 200, 403, 403]),
    ("/intake-proposals/999999/accept/", [405, 405, 405, 405, 405, 405, 405]),
    ("/intake-proposals/999999/dismiss/", [405, 405, 405, 405, 405, 405, 405]),
    # Only a browser the desk put in kiosk mode has a tablet screen: others go home.
    ("/kiosk/", ["/", "/", "/", "/", "/", "/", "/"]),
    ("/kiosk/open/", [405, 405, 405, 405, 405, 405, 405]),
    ("/kiosk/unlock/", ["/", "/", "/", "/", "/", "/", "/"]),
    ("/kiosk/not-a-token/sign/", [405, 405, 405, 405, 405, 405, 405]),
    ("/kiosk/not-a-token/questionnaire/", [405, 405, 405, 405, 405, 405, 405]),
    ("/healthz", [200, 200, 200, 200, 200, 200, 200]),
    ("/accounts/login/", [200, "/", "/", "/", "/", "/", "/"]),
    ("/accounts/logout/", [405, 405, 405, 405, 405, 405, 405]),
    ("/language/", [405, 405, 405, 405, 405, 405, 405]),
    (
        "/admin/",
        ["/admin/login/", "/admin/login/", "/admin/login/", "/admin/login/", "/admin/login/", 200, "/admin/login/"],
    ),
]

CASES = [
    (path, caller, expected) for path, answers in ACCESS for caller, expected in zip(CALLERS, answers, strict=True)
]


@pytest.fixture
def callers(alice, bob, charlie, derek, margaret):
    return {
        "anonymous": None,
        "alice": alice.portal_user,
        "bob": bob.portal_user,
        "charlie": charlie,
        "derek": derek,
        "margaret": margaret,
        "nobody": UserFactory(username="nobody"),  # signed in, but holds no role
    }


@pytest.fixture
def objects(alice, derek):
    """The rows the paths name: Alice's chart, a cocktail of hers and a condition of hers."""
    cocktail = compose_formulation(
        name="Alice's face",
        indication=Indication.REJUVENATION,
        total_volume_ml=Decimal(2),
        lines=[LineSpec(Ingredient.objects.get(name="Zinc"), Decimal(1), "mg")],
        patient=alice,
        created_by=derek,
    )
    condition = record_condition(
        patient=alice,
        contraindication=Contraindication.objects.get(name="Keloid or hypertrophic scarring (self or family)"),
        recorded_by=derek,
    )
    plan = create_plan(
        patient=alice,
        formulation=cocktail,
        areas=[AreaVolume(TreatmentArea.objects.get(name="Face"), Decimal(1))],
        start_date=timezone.localdate(),
        sessions_planned=3,
        interval_days=14,
        min_days=7,
        max_days=28,
        created_by=derek,
        acknowledgement_reason="No keloid on the face; agreed with the patient.",
    )
    appointment = Appointment.objects.create(
        patient=alice,
        practitioner=derek,
        room=Room.objects.create(name="Access room"),
        start=timezone.now() + timedelta(days=3),
        end=timezone.now() + timedelta(days=3, minutes=30),
        booked_by=derek,
    )
    return {
        "appointment": appointment.pk,
        "alice": alice.pk,
        "formulation": cocktail.pk,
        "condition": condition.pk,
        "plan": plan.pk,
        "session": plan.sessions.get(number=1).pk,
    }


@pytest.mark.parametrize(("path", "caller", "expected"), CASES, ids=[f"{p} as {c}" for p, c, _ in CASES])
def test_page_answers_each_caller_as_expected(client, objects, callers, path, caller, expected):
    if callers[caller]:
        client.force_login(callers[caller])
    url = path.format(**objects)
    response = client.get(url)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    elif isinstance(expected, str):
        assert response.status_code == 302
        assert response["Location"].split("?")[0] == expected.format(**objects)
    else:
        assert response.status_code == expected


def test_patient_role_group_names_match_the_code(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


def route_names(patterns) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's admin guards itself; /admin/ is in the table
            names |= route_names(pattern.url_patterns)
        elif pattern.name:
            names.add(pattern.name)
    return names


SAMPLE_IDS = {
    "alice": "00000000-0000-0000-0000-000000000001",
    "plan": "00000000-0000-0000-0000-000000000002",
    "session": "00000000-0000-0000-0000-000000000003",
    "appointment": "00000000-0000-0000-0000-000000000004",
    "formulation": "1",
    "condition": "1",
}


def test_every_page_of_the_project_is_in_the_access_table():
    covered = {resolve(path.format(**SAMPLE_IDS).split("?")[0]).url_name for path, _ in ACCESS}
    missing = route_names(get_resolver().url_patterns) - covered
    assert not missing, f"Add these pages to ACCESS: {sorted(missing)}"
