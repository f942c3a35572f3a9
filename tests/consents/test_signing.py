"""Signing a consent (consents.signing.sign): what is kept, the PDF made, and every refusal,
with nothing recorded when refused; two signings at once."""

import hashlib
import io
import subprocess
import threading

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image

from clinic.roles import Role
from consents import signing
from consents.models import ConsentForm, ConsentSignature, ConsentVersion
from consents.signing import SigningRefused
from tests.factories import PatientFactory, TreatmentPlanFactory, UserFactory
from tests.scheduling.conftest import concurrent_database  # noqa: F401 (the race's fixture)


def treatment_version() -> ConsentVersion:
    return ConsentForm.objects.get(name="Mesotherapy treatment").current_version()


def png(width: int = 400, height: int = 150) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 0, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_text(document: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=document, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def in_course(alice, derek):
    TreatmentPlanFactory(patient=alice, created_by=derek, ready=False)
    return alice


def sign_typed(patient, **changes):
    return signing.sign(
        **{
            "patient": patient,
            "version": treatment_version(),
            "method": "typed",
            "channel": "portal",
            "recorded_by": patient.portal_user,
            "typed_name": patient.full_name,
            "ip_address": "192.0.2.7",
            "device": "Firefox on Linux",
            **changes,
        }
    )


def test_a_patient_in_a_course_has_the_treatment_consent_to_sign(in_course):
    assert signing.forms_to_sign(in_course) == [treatment_version()]


def test_a_patient_without_a_course_has_nothing_to_sign_yet(alice):
    assert signing.forms_to_sign(alice) == []


def test_signing_by_typed_name_keeps_the_text_its_digest_and_a_pdf(in_course):
    signature = sign_typed(in_course, typed_name="  alice   ARCHER ")

    version = treatment_version()
    expected = hashlib.sha256(f"{version.title_en}\n\n{version.body_en}".encode()).hexdigest()
    assert signature.text_sha256 == expected
    assert (signature.method, signature.channel, signature.language) == ("typed", "portal", "en")
    assert signature.document_type == "application/pdf"
    assert signature.document_sha256 == hashlib.sha256(bytes(signature.document)).hexdigest()
    text = " ".join(pdf_text(bytes(signature.document)).split())
    assert "Consent to mesotherapy treatment" in text
    assert "Alice Archer" in text
    assert expected in text.replace(" ", "")
    assert "In the patient portal" in text
    assert signing.forms_to_sign(in_course) == []


def test_a_french_patient_signs_the_french_text_and_gets_a_french_pdf(derek):
    patient = PatientFactory(first_name="Éloïse", last_name="Dupré", preferred_language="fr")
    TreatmentPlanFactory(patient=patient, created_by=derek, ready=False)
    signature = sign_typed(patient, typed_name="eloise dupre", recorded_by=derek, channel="kiosk", witnessed_by=derek)

    assert signature.language == "fr"
    text = " ".join(pdf_text(bytes(signature.document)).split())
    assert "Consentement au traitement par mésothérapie" in text
    assert "Éloïse Dupré" in text
    assert "Derek" in text


def test_signing_by_drawing_puts_the_drawing_in_the_pdf(in_course, charlie):
    signature = signing.sign(
        patient=in_course,
        version=treatment_version(),
        method="drawn",
        channel="kiosk",
        recorded_by=charlie,
        witnessed_by=charlie,
        drawing=png(),
    )
    assert bytes(signature.drawing) == png()
    assert signature.witnessed_by == charlie
    images = subprocess.run(
        ["pdfimages", "-list", "-"], input=bytes(signature.document), capture_output=True
    ).stdout.decode()
    assert images.count("\n") >= 3 or b"/Subtype /Image" in bytes(signature.document)


@pytest.mark.parametrize(
    ("typed_name", "message"),
    [
        ("", "Type your full name to sign."),
        ("   ", "Type your full name to sign."),
        ("Bob Baker", "The name typed is not the name the clinic has for you (Alice Archer)."),
        ("Alice", "The name typed is not the name the clinic has for you"),
    ],
)
def test_a_typed_name_that_is_not_the_patients_is_refused(in_course, typed_name, message):
    with pytest.raises(SigningRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        sign_typed(in_course, typed_name=typed_name)
    assert not ConsentSignature.objects.exists()


@pytest.mark.parametrize(
    ("drawing", "message"),
    [
        (None, "Draw your signature in the box"),
        (b"GIF89a" + b"\0" * 100, "could not be read"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "could not be read"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (200 * 1024), "too large"),
        ("tiny", "odd size"),
        ("huge", "odd size"),
    ],
)
def test_a_forged_drawing_is_refused(in_course, charlie, drawing, message):
    drawing = {"tiny": png(10, 10), "huge": png(5000, 100)}.get(drawing, drawing)
    with pytest.raises(SigningRefused, match=message):
        signing.sign(
            patient=in_course,
            version=treatment_version(),
            method="drawn",
            channel="kiosk",
            recorded_by=charlie,
            drawing=drawing,
        )
    assert not ConsentSignature.objects.exists()


def test_an_old_version_is_refused(in_course, margaret):
    old = treatment_version()
    ConsentVersion.objects.create(
        form=old.form,
        number=2,
        title_en="Consent v2",
        title_fr="Consentement v2",
        body_en="New text.",
        body_fr="Nouveau texte.",
        published_by=margaret,
    )
    with pytest.raises(SigningRefused, match="not the current version"):
        sign_typed(in_course, version=old)
    assert not ConsentSignature.objects.exists()


def test_an_already_signed_consent_is_refused(in_course):
    sign_typed(in_course)
    with pytest.raises(SigningRefused, match="is already signed"):
        sign_typed(in_course)
    assert ConsentSignature.objects.count() == 1


def test_a_form_the_clinic_withdrew_from_use_is_refused(in_course):
    ConsentForm.objects.filter(name="Mesotherapy treatment").update(active=False)
    with pytest.raises(SigningRefused, match="not the current version"):
        sign_typed(in_course)
    assert not ConsentSignature.objects.exists()


def test_after_withdrawing_the_patient_may_sign_again(in_course, derek):
    first = sign_typed(in_course)
    signing.withdraw(signature=first, by=derek, reason="Changed her mind")
    assert signing.forms_to_sign(in_course) == [treatment_version()]
    assert sign_typed(in_course).pk != first.pk


def test_a_form_only_another_patients_course_needs_is_refused(in_course, bob, derek, margaret):
    TreatmentPlanFactory(patient=bob, created_by=derek, ready=False)
    form = ConsentForm.objects.create(name="Scalp course", indications=["hair_loss"])
    version = ConsentVersion.objects.create(
        form=form,
        number=1,
        title_en="Scalp",
        title_fr="Cuir chevelu",
        body_en="Text.",
        body_fr="Texte.",
        published_by=margaret,
    )
    with pytest.raises(SigningRefused, match="not a form you need to sign"):
        sign_typed(in_course, version=version)
    assert not ConsentSignature.objects.exists()


def test_a_photo_consent_is_not_one_to_sign_before_a_session(in_course):
    photos = ConsentForm.objects.get(purpose="photos_record").current_version()
    with pytest.raises(SigningRefused, match="not a form you need to sign"):
        sign_typed(in_course, version=photos)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_tablets_signing_at_once_record_one_signature(concurrent_database):  # noqa: F811
    derek = UserFactory(username="derek", role=Role.DERMATOLOGIST)
    patient = PatientFactory(first_name="Alice", last_name="Archer")
    TreatmentPlanFactory(patient=patient, created_by=derek, ready=False)
    version = treatment_version()
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait(timeout=30)
            outcomes.append(
                signing.sign(
                    patient=patient,
                    version=version,
                    method="typed",
                    channel="kiosk",
                    recorded_by=derek,
                    witnessed_by=derek,
                    typed_name="Alice Archer",
                )
            )
        except SigningRefused as refusal:
            outcomes.append(refusal)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["ConsentSignature", "SigningRefused"]
    assert ConsentSignature.objects.filter(patient=patient).count() == 1
    assert timezone.localdate(ConsentSignature.objects.get().signed_at) == timezone.localdate()
