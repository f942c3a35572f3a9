"""The manager's consent forms in the admin: a form's settings keep their history; a version
is published once, in both languages, and never changed."""

import pytest

from consents.models import ConsentForm, ConsentVersion


@pytest.fixture
def treatment():
    return ConsentForm.objects.get(name="Mesotherapy treatment")


def test_the_seeded_forms_are_listed_in_both_languages(client, margaret):
    client.force_login(margaret)
    page = client.get("/admin/consents/consentform/").content.decode()
    for name in ("Mesotherapy treatment", "Photos for the clinical record", "Anonymised photos for teaching"):
        assert name in page
    for version in ConsentVersion.objects.all():
        assert version.title_en and version.title_fr and version.body_en and version.body_fr
        assert version.published_by.username == "mesoplan-system"


def test_a_version_cannot_be_changed_or_deleted(client, margaret, treatment):
    version = treatment.current_version()
    client.force_login(margaret)
    url = f"/admin/consents/consentversion/{version.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="body_en"' not in page  # shown, not editable
    assert f"/admin/consents/consentversion/add/?copy={version.pk}" in page
    client.post(
        url, {"form": treatment.pk, "title_en": "Changed", "title_fr": "Changé", "body_en": "x", "body_fr": "x"}
    )
    version.refresh_from_db()
    assert version.title_en == "Consent to mesotherapy treatment"
    assert client.post(f"/admin/consents/consentversion/{version.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ConsentVersion.objects.filter(pk=version.pk).exists()


def test_publishing_a_new_version_starts_from_the_last_text_and_takes_the_next_number(client, margaret, treatment):
    old = treatment.current_version()
    client.force_login(margaret)
    page = client.get(f"/admin/consents/consentversion/add/?copy={old.pk}")
    assert page.context["adminform"].form.initial["body_fr"] == old.body_fr

    response = client.post(
        "/admin/consents/consentversion/add/",
        {
            "form": treatment.pk,
            "title_en": old.title_en,
            "title_fr": old.title_fr,
            "body_en": old.body_en + "\n\nA new paragraph.",
            "body_fr": old.body_fr + "\n\nUn nouveau paragraphe.",
            "requires_new_signature": "on",
        },
    )
    assert response.status_code == 302
    new = treatment.current_version()
    assert (new.number, new.published_by, new.requires_new_signature) == (2, margaret, True)
    assert new.body_en.endswith("A new paragraph.")
    old.refresh_from_db()
    assert not old.body_en.endswith("A new paragraph.")


def test_a_version_needs_both_languages(client, margaret, treatment):
    client.force_login(margaret)
    response = client.post(
        "/admin/consents/consentversion/add/",
        {"form": treatment.pk, "title_en": "Only English", "title_fr": "", "body_en": "Text.", "body_fr": ""},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"title_fr", "body_fr"}
    assert treatment.versions.count() == 1


def test_a_forms_changes_are_kept(client, margaret, treatment):
    client.force_login(margaret)
    response = client.post(
        f"/admin/consents/consentform/{treatment.pk}/change/",
        {
            "name": treatment.name,
            "purpose": "treatment",
            "indications": "[]",
            "validity": "months",
            "validity_months": "24",
            "active": "on",
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
            "versions-0-id": treatment.current_version().pk,
            "versions-0-form": treatment.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    treatment.refresh_from_db()
    assert treatment.validity_months == 24
    assert [row.validity_months for row in treatment.history.order_by("history_date")] == [12, 24]
    assert "24" in client.get(f"/admin/consents/consentform/{treatment.pk}/history/").content.decode()
