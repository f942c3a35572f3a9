"""Every role's main pages, error states included, are valid HTML in English and in French: the
W3C Nu checker (vnu.jar) finds no error. One Java run checks them all."""

from datetime import time, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from consents import intake
from messaging import channels
from scheduling import waitlist
from scheduling.models import WaitlistEntry, WaitlistOffer
from tests.consents.surfaces import NO_TO_ALL, course_needing_consent, only_form, typed
from tests.factories import (
    AppointmentFactory,
    FormulationFactory,
    PatientFactory,
    RoomFactory,
    TreatmentPlanFactory,
    UserFactory,
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
        f"/patients/{patient.pk}/consents/paper/",
        *(f"/consents/{signature.pk}/withdraw/" for signature in patient.consent_signatures.standing()[:1]),
    ]
    pages = {f"GET {path} ({language})": page(client.get(path)) for path in gets}
    posts = {
        "/patients/new/": {},
        f"/patients/{patient.pk}/consents/paper/": {"signed_on": "1900-01-01"},
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


def test_the_signing_pages_are_valid_html_in_both_languages(charlie):
    """The portal's consent and questionnaire pages and the tablet's, errors included, each in
    a patient's language."""
    version = only_form().current_version()
    pages = {}
    for language in LANGUAGES:
        patient = PatientFactory(
            first_name="Élise",
            last_name="Dupré",
            preferred_language=language,
            portal_user=UserFactory(username=f"elise-{language}", role="patient", language=language),
        )
        course_needing_consent(patient)
        portal = signed_in(patient.portal_user, language)
        sign_page = f"/portal/consents/{version.pk}/"
        pages[f"portal consents ({language})"] = page(portal.get("/portal/consents/"))
        pages[f"portal consent ({language})"] = page(portal.get(sign_page))
        pages[f"portal consent with errors ({language})"] = page(portal.post(sign_page, typed(version, "")), 400)
        pages[f"portal questionnaire ({language})"] = page(portal.get("/portal/questionnaire/"))
        with_errors = page(portal.post("/portal/questionnaire/", {"allergies": "yes"}), 400)
        pages[f"portal questionnaire with errors ({language})"] = with_errors

        tablet = signed_in(charlie, language)
        tablet.post("/kiosk/open/", {"patient": patient.pk})
        token = tablet.session["mesoplan_kiosk_token"]
        pages[f"kiosk consent ({language})"] = page(tablet.get("/kiosk/"))
        pages[f"kiosk consent with errors ({language})"] = page(
            tablet.post(f"/kiosk/{token}/sign/", typed(version, "Bob")), 400
        )
        tablet.post(f"/kiosk/{token}/sign/", typed(version, "Élise Dupré"))
        pages[f"kiosk questionnaire ({language})"] = page(tablet.get("/kiosk/"))
        pages[f"kiosk questionnaire with errors ({language})"] = page(
            tablet.post(f"/kiosk/{token}/questionnaire/", {}), 400
        )
        pages[f"kiosk unlock ({language})"] = page(tablet.get("/kiosk/unlock/"))
        pages[f"kiosk refused ({language})"] = page(
            tablet.post("/kiosk/stale/sign/", typed(version, "Élise Dupré")), 409
        )
        tablet.post(f"/kiosk/{token}/questionnaire/", NO_TO_ALL)
        pages[f"kiosk locked ({language})"] = page(tablet.get("/kiosk/"))

    errors = nu_errors(pages)

    assert not errors, f"{len(errors)} Nu checker errors:\n" + "\n".join(errors)


def test_the_questionnaire_review_and_the_reminders_opt_out_are_valid_html_in_both_languages(derek):
    """The dermatologist's review of a patient's answers, and the page an email's opt-out
    link opens (asking, done, and a link that was changed), each in both languages."""
    pages = {}
    for language in LANGUAGES:
        patient = PatientFactory(first_name="Élise", last_name="Dupré", preferred_language=language)
        answers = {question.key: "no" for question in intake.QUESTIONS if question.yes_no}
        intake.answer(
            patient=patient,
            kind="full",
            answers=answers | {"herpes": "yes", "allergies": "yes", "allergies_detail": "Zinc"},
            channel="kiosk",
            recorded_by=derek,
            language=language,
        )
        review = signed_in(derek, language).get(f"/patients/{patient.pk}/questionnaire/")
        pages[f"questionnaire review ({language})"] = page(review)

        opt_out = channels.opt_out_url(patient).removeprefix(settings.CLINIC_SITE_URL)
        anonymous = Client(HTTP_ACCEPT_LANGUAGE=language)
        pages[f"reminders opt-out ({language})"] = page(anonymous.get(opt_out))
        pages[f"reminders stopped ({language})"] = page(anonymous.post(opt_out))
        pages[f"opt-out link changed ({language})"] = page(anonymous.get(opt_out[:-3] + "xx/"), 400)

    errors = nu_errors(pages)

    assert not errors, f"{len(errors)} Nu checker errors:\n" + "\n".join(errors)


def test_the_booking_pages_are_valid_html_in_both_languages(derek, charlie):
    """The portal's booking pages (days, times, a refusal, the hold to confirm) and the day
    grid with a slot held online, in each patient's language."""
    for weekday in range(7):
        WorkingHoursFactory(practitioner=derek, weekday=weekday, start=time(8), end=time(20))
    RoomFactory(name="Room 1")
    pages = {}
    for language in LANGUAGES:
        patient = PatientFactory(
            preferred_language=language,
            portal_user=UserFactory(username=f"booker-{language}", role="patient", language=language),
        )
        course = TreatmentPlanFactory(patient=patient, created_by=derek, sessions_done=1)
        second = course.sessions.get(number=2)
        portal = signed_in(patient.portal_user, language)
        path = f"/portal/sessions/{second.pk}/book/"
        pages[f"portal with a session to book ({language})"] = page(portal.get("/portal/"))
        days = page(portal.get(path))
        pages[f"booking days and times ({language})"] = days
        pages[f"booking refused ({language})"] = page(portal.post(path, {"slot": "2000-01-01T10:00|1"}), 400)
        value = days.split('name="slot" value="', 1)[1].split('"', 1)[0]
        hold_page = portal.post(path, {"slot": value})["Location"]
        pages[f"hold to confirm ({language})"] = page(portal.get(hold_page))
        day = value[:10]
        desk = signed_in(charlie, language)
        pages[f"day grid with a hold ({language})"] = page(desk.get(f"/schedule/?date={day}"))
        waitlist_page = f"/portal/sessions/{second.pk}/waitlist/"
        pages[f"portal waitlist ({language})"] = page(portal.get(waitlist_page))
        pages[f"portal waitlist refused ({language})"] = page(portal.post(waitlist_page, {"weekdays": ["9"]}), 400)
        portal.post(hold_page + "confirm/")
        visit = second.appointments.get(status="booked")
        waitlist.join(patient=patient, session=second, weekdays=[], time_of_day="", joined_by=charlie)
        pages[f"desk adds to the waitlist ({language})"] = page(desk.get(f"/appointments/{visit.pk}/waitlist/"))
        offer = WaitlistOffer.objects.create(
            entry=WaitlistEntry.objects.get(session=second),
            start=visit.start - timedelta(days=1),
            end=visit.end - timedelta(days=1),
            practitioner=derek,
            expires_at=timezone.now() + timedelta(minutes=30),
        )
        pages[f"desk waitlist ({language})"] = page(desk.get("/waitlist/"))
        anonymous = Client(HTTP_ACCEPT_LANGUAGE=language)
        pages[f"offer ({language})"] = page(anonymous.get(f"/waitlist/offers/{waitlist.offer_token(offer)}/"))
        pages[f"offer unknown ({language})"] = page(anonymous.get("/waitlist/offers/forged/"), 404)

    errors = nu_errors(pages)

    assert not errors, f"{len(errors)} Nu checker errors:\n" + "\n".join(errors)
