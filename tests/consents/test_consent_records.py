"""The consents on the chart and in the portal: each form's state, recording a paper form,
withdrawing one, and the signed documents, for whom they are and no one else."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from consents import signing
from consents.models import ConsentForm, ConsentSignature
from tests.factories import TreatmentPlanFactory

TREATMENT = "Mesotherapy treatment"


def treatment_form() -> ConsentForm:
    return ConsentForm.objects.get(name=TREATMENT)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def in_course(alice, derek):
    TreatmentPlanFactory(patient=alice, created_by=derek, ready=False)
    return alice


def signed_in_portal(patient):
    return signing.sign(
        patient=patient,
        version=treatment_form().current_version(),
        method="typed",
        channel="portal",
        recorded_by=patient.portal_user,
        typed_name=patient.full_name,
    )


def test_the_chart_shows_the_treatment_consent_to_sign(client, charlie, in_course):
    client.force_login(charlie)
    page = client.get(f"/patients/{in_course.pk}/").content.decode()
    assert "Consents" in page
    assert "Mesotherapy treatment" in page
    assert "To sign" in page
    assert f'href="/patients/{in_course.pk}/consents/paper/"' in page


def test_the_chart_shows_a_signed_consent_with_its_pdf_and_the_dermatologist_may_withdraw_it(
    client, charlie, derek, in_course
):
    signature = signed_in_portal(in_course)
    client.force_login(charlie)
    page = client.get(f"/patients/{in_course.pk}/").content.decode()
    assert f"Signed {timezone.localdate():%d/%m/%Y}, version 1" in page
    assert f'href="/consents/{signature.pk}.pdf"' in page
    assert f"/consents/{signature.pk}/withdraw/" not in page  # the desk collects consents, not withdrawals

    client.force_login(derek)
    assert f'href="/consents/{signature.pk}/withdraw/"' in client.get(f"/patients/{in_course.pk}/").content.decode()


def test_staff_download_the_pdf_as_it_was_stored(client, charlie, in_course):
    signature = signed_in_portal(in_course)
    client.force_login(charlie)
    response = client.get(f"/consents/{signature.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(signature.document)
    assert "consent-Archer-" in response["Content-Disposition"]


def test_the_desk_records_a_paper_consent_with_its_scan_told_by_content(client, charlie, in_course):
    client.force_login(charlie)
    scan = SimpleUploadedFile("scan.pdf", png_bytes(), content_type="application/pdf")
    response = client.post(
        f"/patients/{in_course.pk}/consents/paper/",
        {"form": treatment_form().pk, "signed_on": str(timezone.localdate() - timedelta(days=3)), "scan": scan},
    )
    assert response.status_code == 302
    signature = ConsentSignature.objects.get()
    assert (signature.method, signature.channel, signature.recorded_by) == ("paper", "paper", charlie)
    assert signature.document_type == "image/png"
    assert signing.forms_to_sign(in_course) == []
    page = client.get(response["Location"]).content.decode()
    assert "The paper consent “Consent to mesotherapy treatment” is recorded." in page
    assert f"paper, recorded by {charlie}" in page
    assert client.get(f"/consents/{signature.pk}.pdf")["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"signed_on": "tomorrow"}, "signed_on", "A consent cannot be signed in the future."),
        ({"signed_on": "1900-01-01"}, "signed_on", "A consent cannot be signed before the patient was born."),
        ({"signed_on": "31/31/2020"}, "signed_on", "Enter a valid date."),
        ({"scan": "text"}, "scan", "The scan must be a PDF, JPEG or PNG file."),
        ({"form": "999999"}, "form", "Select a valid choice."),
    ],
)
def test_a_wrong_paper_consent_is_refused_by_its_field(client, charlie, in_course, changes, field, message):
    data = {"form": treatment_form().pk, "signed_on": str(timezone.localdate())}
    if changes.get("signed_on") == "tomorrow":
        changes = {"signed_on": str(timezone.localdate() + timedelta(days=1))}
    if changes.get("scan") == "text":
        changes = {"scan": SimpleUploadedFile("scan.pdf", b"not really a pdf", content_type="application/pdf")}
    client.force_login(charlie)
    response = client.post(f"/patients/{in_course.pk}/consents/paper/", {**data, **changes})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not ConsentSignature.objects.exists()


def test_a_scan_over_10_mb_is_refused(client, charlie, in_course, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
    client.force_login(charlie)
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    response = client.post(
        f"/patients/{in_course.pk}/consents/paper/",
        {"form": treatment_form().pk, "signed_on": str(timezone.localdate()), "scan": scan},
    )
    assert "larger than 10 MB" in response.context["form"].errors["scan"][0]
    assert not ConsentSignature.objects.exists()


def test_the_dermatologist_withdraws_a_consent_with_a_date_and_reason(client, derek, in_course):
    signature = signed_in_portal(in_course)
    client.force_login(derek)
    assert client.get(f"/consents/{signature.pk}/withdraw/").status_code == 200
    response = client.post(
        f"/consents/{signature.pk}/withdraw/", {"on": str(timezone.localdate()), "reason": "Pregnant"}
    )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.withdrawn_by == derek
    assert signature.withdrawal_reason == "Pregnant"
    assert signing.forms_to_sign(in_course) == [treatment_form().current_version()]
    page = client.get(response["Location"]).content.decode()
    assert "Withdrawn" in page
    assert "“Pregnant”" in page


def test_a_withdrawal_needs_a_reason_and_a_date_not_in_the_future(client, derek, in_course):
    signature = signed_in_portal(in_course)
    client.force_login(derek)
    response = client.post(f"/consents/{signature.pk}/withdraw/", {"on": str(timezone.localdate()), "reason": " "})
    assert "This field is required." in response.context["form"].errors["reason"][0]
    tomorrow = str(timezone.localdate() + timedelta(days=1))
    response = client.post(f"/consents/{signature.pk}/withdraw/", {"on": tomorrow, "reason": "x"})
    assert "cannot be withdrawn in the future" in response.context["form"].errors["on"][0]
    signature.refresh_from_db()
    assert signature.withdrawn_at is None


def test_the_front_desk_cannot_withdraw(client, charlie, in_course):
    signature = signed_in_portal(in_course)
    client.force_login(charlie)
    assert client.get(f"/consents/{signature.pk}/withdraw/").status_code == 403


def test_the_portal_card_tells_what_is_due_then_what_is_signed(client, in_course):
    client.force_login(in_course.portal_user)
    page = client.get("/portal/").content.decode()
    assert "To sign before your next session:" in page
    assert 'href="/portal/consents/"' in page
    assert "You will be asked to sign one before your first treatment" not in page

    signature = signed_in_portal(in_course)
    page = client.get("/portal/").content.decode()
    assert "To sign before your next session:" not in page
    assert f"You signed “Consent to mesotherapy treatment” on {timezone.localdate():%-d %B %Y}." in page
    assert f'href="/portal/consents/{signature.pk}.pdf"' in page
    response = client.get(f"/portal/consents/{signature.pk}.pdf")
    assert response.status_code == 200
    assert response.content == bytes(signature.document)


def test_the_patient_withdraws_from_the_portal(client, in_course):
    signature = signed_in_portal(in_course)
    client.force_login(in_course.portal_user)
    response = client.post(
        f"/portal/consents/{signature.pk}/withdraw/", {"on": str(timezone.localdate()), "reason": "Moving away"}
    )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.withdrawn_by == in_course.portal_user
    assert "To sign before your next session:" in client.get("/portal/").content.decode()


def test_another_patient_gets_404_for_the_pdf_and_the_withdrawal(client, bob, in_course):
    signature = signed_in_portal(in_course)
    client.force_login(bob.portal_user)
    assert client.get(f"/portal/consents/{signature.pk}.pdf").status_code == 404
    assert client.post(f"/portal/consents/{signature.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert client.get(f"/consents/{signature.pk}.pdf").status_code == 403  # a staff page


def test_anonymous_goes_to_sign_in(client, in_course):
    signature = signed_in_portal(in_course)
    for path in (f"/consents/{signature.pk}.pdf", f"/portal/consents/{signature.pk}.pdf"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_downloads_answer_only_get(client, charlie, in_course):
    signature = signed_in_portal(in_course)
    client.force_login(charlie)
    assert client.post(f"/consents/{signature.pk}.pdf").status_code == 405


@pytest.mark.parametrize("signatures", [1, 6])
def test_the_charts_queries_stay_flat_with_signatures(
    client, charlie, in_course, derek, django_assert_max_num_queries, signatures
):
    for _ in range(signatures):
        signing.record_paper(
            patient=in_course,
            form=treatment_form(),
            signed_on=timezone.localdate() - timedelta(days=_),
            recorded_by=charlie,
        )
    client.force_login(charlie)
    client.get(f"/patients/{in_course.pk}/")
    # session, user, groups, patient, appointments, courses with sessions; the consents: next
    # course, forms, signatures, versions, and the gate's reads for the treatment form.
    with django_assert_max_num_queries(20):
        response = client.get(f"/patients/{in_course.pk}/")
    assert len(response.context["consents"][0].history) == signatures
