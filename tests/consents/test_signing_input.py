"""Hostile and mistaken input to the signing pages, in the portal and on the tablet: each is
refused with a message beside the signature, and nothing is recorded."""

from html import unescape

import pytest
from django.urls import reverse

from consents import signing
from consents.models import ConsentForm, ConsentSignature, KioskSession
from consents.signature_forms import LONGEST_DRAWING
from tests.consents.surfaces import course_needing_consent, data_url, drawn, new_version, only_form, png, typed
from tests.factories import ConsentFormFactory, PatientFactory, TreatmentPlanFactory
from treatments.models import Indication


@pytest.fixture
def version(alice):
    course_needing_consent(alice)
    return only_form().current_version()


def sign_in_portal(client, patient, version, data):
    client.force_login(patient.portal_user)
    response = client.post(reverse("portal_consent_sign", args=[version.pk]), data)
    return response, unescape(response.content.decode())


def test_a_form_only_another_patient_must_sign(client, alice, bob, version):
    theirs = ConsentFormFactory(name="Hair loss consent", indications=[Indication.HAIR_LOSS])
    TreatmentPlanFactory(patient=bob, indication=Indication.HAIR_LOSS, ready=False)

    response, page = sign_in_portal(
        client, alice, theirs.current_version(), typed(theirs.current_version(), "Alice Archer")
    )

    assert response.status_code == 400
    assert "is not a form you need to sign" in page
    assert not ConsentSignature.objects.exists()


def test_an_old_version(client, alice, version):
    new_version(version.form)

    response, page = sign_in_portal(client, alice, version, typed(version, "Alice Archer"))

    assert response.status_code == 400
    assert "This is not the current version of" in page
    assert not ConsentSignature.objects.exists()


def test_a_form_the_clinic_withdrew(client, alice, version):
    ConsentForm.objects.filter(pk=version.form_id).update(active=False)

    response, page = sign_in_portal(client, alice, version, typed(version, "Alice Archer"))

    assert response.status_code == 400
    assert "This is not the current version of" in page
    assert not ConsentSignature.objects.exists()


def test_a_consent_already_signed(client, alice, version):
    sign_in_portal(client, alice, version, typed(version, "Alice Archer"))

    response, page = sign_in_portal(client, alice, version, typed(version, "Alice Archer"))

    assert response.status_code == 400
    assert "is already signed" in page
    assert ConsentSignature.objects.count() == 1


def test_a_withdrawn_consent_is_signed_again_as_a_new_signature(client, alice, version, derek):
    sign_in_portal(client, alice, version, typed(version, "Alice Archer"))
    signing.withdraw(signature=ConsentSignature.objects.get(), by=derek, reason="Changed her mind")

    response, _page = sign_in_portal(client, alice, version, typed(version, "Alice Archer"))

    assert response.status_code == 302
    withdrawn, standing = ConsentSignature.objects.order_by("signed_at")
    assert withdrawn.withdrawn_at is not None and standing.withdrawn_at is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Type your full name to sign."),
        ("   ", "Type your full name to sign."),
        ("Bob Baker", "The name typed is not the name the clinic has for you (Alice Archer)."),
        ("Alice", "The name typed is not the name the clinic has for you"),
    ],
)
def test_an_empty_or_wrong_typed_name(client, alice, version, name, message):
    response, page = sign_in_portal(client, alice, version, typed(version, name))

    assert response.status_code == 400
    assert message in page
    assert not ConsentSignature.objects.exists()


def test_the_agreement_must_be_ticked(client, alice, version):
    response, page = sign_in_portal(client, alice, version, typed(version, "Alice Archer", agree=False))

    assert response.status_code == 400
    assert "Tick the box to say that you have read the form and agree to it." in page
    assert not ConsentSignature.objects.exists()


@pytest.mark.parametrize(
    ("drawing", "message"),
    [
        ("", "Draw your signature in the box, or type your name below."),
        ("data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", "This signature could not be read."),
        ("data:image/png;base64,not base64!", "This signature could not be read."),
        (data_url(b"GIF89a" + b"\0" * 100), "The signature drawn could not be read."),
        (data_url(b"\x89PNG\r\n\x1a\n" + b"\0" * 100), "The signature drawn could not be read."),
        (data_url(png(4000, 20)), "The signature drawn has an odd size."),
        (data_url(b"\x89PNG\r\n\x1a\n" + b"\0" * 250_000), "The signature drawn is too large to be a signature."),
        ("data:image/png;base64," + "A" * LONGEST_DRAWING, "This signature is too large to keep."),
    ],
    ids=["empty", "svg", "not-base64", "gif", "broken-png", "odd-size", "too-large", "too-long"],
)
def test_a_forged_drawing(client, alice, version, drawing, message):
    response, page = sign_in_portal(client, alice, version, drawn(version, drawing))

    assert response.status_code == 400
    assert message in page
    assert not ConsentSignature.objects.exists()


def test_a_forged_drawing_on_the_tablet(client, charlie, version):
    patient = PatientFactory(first_name="Alice", last_name="Archer")
    course_needing_consent(patient)
    client.force_login(charlie)
    client.post("/kiosk/open/", {"patient": patient.pk})
    token = KioskSession.objects.get().token

    response = client.post(f"/kiosk/{token}/sign/", drawn(version, data_url(b"not a picture")))

    assert response.status_code == 400
    assert "could not be read" in unescape(response.content.decode())
    assert not ConsentSignature.objects.exists()
    assert KioskSession.objects.get().steps_done == []


def test_a_form_not_asked_on_this_tablet(client, charlie, alice, version):
    client.force_login(charlie)
    client.post("/kiosk/open/", {"patient": alice.pk})
    token = KioskSession.objects.get().token
    other = ConsentFormFactory(name="Teaching photos", purpose=ConsentForm.Purpose.PHOTOS_TEACHING).current_version()

    response = client.post(f"/kiosk/{token}/sign/", typed(other, "Alice Archer"))

    assert response.status_code == 409
    assert "This form is not among those to sign on this tablet." in unescape(response.content.decode())
    assert not ConsentSignature.objects.exists()
