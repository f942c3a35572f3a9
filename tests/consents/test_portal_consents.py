"""The portal's consent pages: what a patient must sign, signing by typed name with plain
form posts (no JavaScript) or by drawing, what they signed; and the medical questionnaire."""

import pytest
from django.urls import reverse

from consents.models import ConsentSignature, IntakeResponse
from tests.consents.surfaces import course_needing_consent, data_url, drawn, only_form, png, typed
from tests.factories import IntakeResponseFactory

CONSENTS = "/portal/consents/"


@pytest.fixture
def to_sign(alice):
    form = only_form(version__title_en="Consent to mesotherapy", version__body_en="Redness is expected.")
    course_needing_consent(alice)
    return form.current_version()


def test_the_list_shows_what_to_sign_and_the_questionnaire_due(client, alice, to_sign, django_assert_max_num_queries):
    client.force_login(alice.portal_user)
    # session, user, groups, patient, the course, forms and versions, signatures, intake, …
    with django_assert_max_num_queries(16):
        response = client.get(CONSENTS)
    page = response.content.decode()
    assert "Consent to mesotherapy" in page
    assert reverse("portal_consent_sign", args=[to_sign.pk]) in page
    assert "Answer the questionnaire" in page
    assert "You have not signed any form yet." in page


def test_a_patient_signs_by_typed_name_without_javascript(client, alice, to_sign):
    client.force_login(alice.portal_user)
    page = client.get(reverse("portal_consent_sign", args=[to_sign.pk])).content.decode()
    assert "Redness is expected." in page
    assert 'name="typed-typed_name"' in page

    response = client.post(reverse("portal_consent_sign", args=[to_sign.pk]), typed(to_sign, "  alice ARCHER "))

    assert response.status_code == 302 and response["Location"] == CONSENTS
    signature = ConsentSignature.objects.get(patient=alice)
    assert (signature.version, signature.method, signature.channel) == (to_sign, "typed", "portal")
    assert signature.recorded_by == alice.portal_user and signature.witnessed_by is None
    assert bytes(signature.document).startswith(b"%PDF")
    listing = client.get(CONSENTS).content.decode()
    assert "is signed. Its PDF is among your documents." in listing
    assert "Nothing to sign for now." in listing
    assert "Signed on" in listing
    pdf = client.get(reverse("portal_consent_document", args=[signature.pk]))
    assert reverse("portal_consent_document", args=[signature.pk]) in listing
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == bytes(signature.document)
    assert reverse("portal_consent_document", args=[signature.pk]) in client.get("/portal/").content.decode()


def test_a_patient_signs_by_drawing(client, alice, to_sign):
    client.force_login(alice.portal_user)
    drawing = png()

    response = client.post(reverse("portal_consent_sign", args=[to_sign.pk]), drawn(to_sign, data_url(drawing)))

    assert response.status_code == 302
    signature = ConsentSignature.objects.get(patient=alice)
    assert (signature.method, bytes(signature.drawing)) == ("drawn", drawing)


def test_the_form_reads_in_the_patients_language(client, alice, to_sign):
    alice.preferred_language = "fr"
    alice.save()
    client.force_login(alice.portal_user)
    page = client.get(reverse("portal_consent_sign", args=[to_sign.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Consentement à la mésothérapie" in page
    assert 'lang="fr"' in page


def test_only_patients_reach_the_pages(client, charlie, to_sign):
    assert client.get(CONSENTS)["Location"].startswith("/accounts/login/")
    client.force_login(charlie)
    assert client.get(CONSENTS).status_code == 403
    assert (
        client.post(reverse("portal_consent_sign", args=[to_sign.pk]), typed(to_sign, "Alice Archer")).status_code
        == 403
    )
    assert not ConsentSignature.objects.exists()


def test_a_version_that_does_not_exist_answers_404(client, alice, to_sign):
    client.force_login(alice.portal_user)
    assert client.get(reverse("portal_consent_sign", args=[to_sign.pk + 1000])).status_code == 404


def test_the_full_questionnaire_in_the_portal(client, alice, to_sign):
    client.force_login(alice.portal_user)
    page = client.get("/portal/questionnaire/").content.decode()
    assert "A few questions about your health" in page

    response = client.post("/portal/questionnaire/", {"pregnancy": "no"})
    assert response.status_code == 400
    assert "Please answer yes or no." in response.content.decode()
    assert not IntakeResponse.objects.exists()

    answers = {key: "no" for key in ["pregnancy", "anticoagulants", "medication", "autoimmune", "herpes", "keloids"]}
    answers |= {"isotretinoin": "no", "recent_procedures": "no", "skin_infection": "no"}
    answers |= {"allergies": "yes", "allergies_detail": "Latex"}
    response = client.post("/portal/questionnaire/", answers)

    assert response.status_code == 302
    answered = IntakeResponse.objects.get(patient=alice)
    assert (answered.kind, answered.channel, answered.recorded_by) == ("full", "portal", alice.portal_user)
    assert answered.proposals.get().text == "Latex"
    assert "Your medical questionnaire is up to date." in client.get(CONSENTS).content.decode()


def test_with_a_valid_questionnaire_the_portal_asks_what_changed(client, alice, to_sign):
    IntakeResponseFactory(patient=alice)
    client.force_login(alice.portal_user)
    assert "Has anything changed since your last visit?" in client.get("/portal/questionnaire/").content.decode()

    response = client.post("/portal/questionnaire/", {"changes": "yes", "changes_detail": "I started the pill."})

    assert response.status_code == 302
    assert IntakeResponse.objects.filter(patient=alice).latest("answered_at").kind == "update"
