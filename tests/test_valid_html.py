"""Every role's main pages, error states included, are valid HTML in English and in French: the
W3C Nu checker (vnu.jar) finds no error. One Java run checks them all."""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import (
    AppointmentFactory,
    FormulationFactory,
    RoomFactory,
    TreatmentPlanFactory,
    WorkingHoursFactory,
    next_tuesday_at_ten,
    record_visit_of,
)
from tests.nu_checker import nu_errors, wrapped
from treatments import adverse_events
from treatments.models import Allergen, Protocol, UnverifiedAllergy

LANGUAGES = ["en", "fr"]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clinic(derek, charlie, alice):
    for weekday in range(7):
        WorkingHoursFactory(practitioner=derek, weekday=weekday, start=time(8), end=time(20))
    RoomFactory(name="Room 1")
    alice.phone = "01 23 45 67 89"
    alice.save()
    alice.allergens.add(Allergen.objects.get(name="Latex"))
    cocktail = FormulationFactory(name="Glow", ingredients=["Zinc"], created_by=derek)
    course = TreatmentPlanFactory(patient=alice, created_by=derek)
    appointment = AppointmentFactory(
        patient=alice, practitioner=derek, session=course.sessions.get(number=2), booked_by=charlie
    )
    # Far enough ahead to be cancelled online from the portal.
    AppointmentFactory(patient=alice, practitioner=derek, start=next_tuesday_at_ten() + timedelta(days=7))
    recorded = record_visit_of(course.sessions.get(number=1), by=derek)
    adverse_events.record_adverse_event(
        session=recorded, onset_date=timezone.localdate(), type="bruising", severity="mild", recorded_by=derek
    )
    # Typed once the course was planned: it waits for a dermatologist to resolve it.
    UnverifiedAllergy.objects.create(patient=alice, text="penicillin", key="penicillin")
    return {
        "patient": alice,
        "cocktail": cocktail,
        "course": course,
        "appointment": appointment,
        "recorded": recorded,
        "to_record": course.sessions.get(number=2),
    }


def signed_in(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def dermatologist_pages(client: Client, clinic: dict, language: str) -> dict[str, str]:
    patient, course, recorded = clinic["patient"], clinic["course"], clinic["recorded"]
    protocol = Protocol.objects.get(name="Skin rejuvenation")
    gets = [
        "/today/",
        "/patients/",
        f"/patients/{patient.pk}/",
        f"/patients/{patient.pk}/edit/",
        f"/patients/{patient.pk}/history/",
        "/schedule/",
        "/appointments/new/",
        f"/appointments/{clinic['appointment'].pk}/",
        f"/appointments/{clinic['appointment'].pk}/reschedule/",
        "/formulations/",
        "/formulations/?ingredient=Zinc",
        f"/formulations/{clinic['cocktail'].pk}/",
        "/formulations/new/",
        f"/plans/new/?patient={patient.pk}&protocol={protocol.pk}",
        f"/plans/{course.pk}/",
        f"/plans/{course.pk}/book/",
        f"/sessions/{clinic['to_record'].pk}/",
        f"/sessions/{recorded.pk}/",
        f"/sessions/{recorded.pk}/adverse-events/new/",
        "/lots/",
        "/lots/?lot=LOT-1",
        "/adverse-events/",
        "/calendar/",
        f"/sessions/{recorded.pk}/aftercare/",
        f"/plans/{course.pk}/print/",
        UnverifiedAllergy.objects.get(patient=patient).get_absolute_url(),
    ]
    pages = {f"GET {path} ({language})": page(client.get(path)) for path in gets}
    posts = {
        "/patients/new/": {},
        "/appointments/new/": {"minutes": "30"},
        "/formulations/new/": {"lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0"},
        f"/sessions/{clinic['to_record'].pk}/": {
            "areas-TOTAL_FORMS": "1",
            "areas-INITIAL_FORMS": "0",
            "lots-TOTAL_FORMS": "1",
            "lots-INITIAL_FORMS": "0",
        },
        f"/sessions/{recorded.pk}/adverse-events/new/": {"severity": ""},
    }
    for path, data in posts.items():
        with_errors = page(client.post(path, data), status=200)
        assert 'aria-invalid="true"' in with_errors, path
        pages[f"POST {path} with errors ({language})"] = with_errors
    fragments = [
        ("/patients/?q=arch", {"HTTP_HX_TARGET": "patient-results"}, 200),
        ("/appointments/patients/?q=arch", {}, 200),
        (f"/schedule/slots/?date={next_tuesday_at_ten():%Y-%m-%d}&minutes=30", {}, 200),
        ("/schedule/slots/?date=not-a-day", {}, 400),
    ]
    for path, headers, status in fragments:
        fragment = page(client.get(path, **HTMX, **headers), status=status)
        pages[f"fragment {path} ({language})"] = wrapped(fragment, language)
    return pages


def page(response, status: int = 200) -> str:
    assert response.status_code == status, response.request["PATH_INFO"]
    return response.content.decode()


def test_every_roles_pages_are_valid_html_in_both_languages(clinic, derek, charlie, alice, margaret):
    pages = {}
    for language in LANGUAGES:
        pages |= dermatologist_pages(signed_in(derek, language), clinic, language)
        front_desk = signed_in(charlie, language)
        for path in ["/today/", f"/patients/{alice.pk}/", "/schedule/", "/appointments/new/"]:
            pages[f"GET {path} as the front desk ({language})"] = page(front_desk.get(path))
        pages[f"403 ({language})"] = page(front_desk.get("/formulations/"), status=403)
        pages[f"GET /today/ as the manager ({language})"] = page(signed_in(margaret, language).get("/today/"))
        pages[f"portal ({language})"] = page(signed_in(alice.portal_user, language).get("/portal/"))
        anonymous = Client(HTTP_ACCEPT_LANGUAGE=language)
        pages[f"sign-in ({language})"] = page(anonymous.get("/accounts/login/"))
        wrong_password = anonymous.post("/accounts/login/", {"username": "derek", "password": "wrong"})
        pages[f"sign-in with a wrong password ({language})"] = page(wrong_password)
        pages[f"404 ({language})"] = page(anonymous.get("/no-such-page/"), status=404)

    errors = nu_errors(pages)

    assert not errors, f"{len(errors)} Nu checker errors:\n" + "\n".join(errors)
