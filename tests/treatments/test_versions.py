"""A version a session used is frozen: nothing changes it, and editing it makes the next version."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import FormulationFactory, FormulationLineFactory
from tests.treatments.cocktail_forms import GLUTATHIONE, TRANEXAMIC_ACID, VITAMIN_C, ZINC, cocktail_form, ingredient
from treatments.cocktails import LineSpec, revise_formulation
from treatments.models import Formulation, FormulationLine, FrozenFormulation


@pytest.fixture
def melasma(derek):
    """Version 1 of a melasma template, used in a session."""
    formulation = FormulationFactory(
        name="Melasma", indication="pigmentation", created_by=derek, ingredients=[TRANEXAMIC_ACID, VITAMIN_C]
    )
    formulation.freeze()
    return formulation


def lines_of(formulation):
    return [(line.ingredient.name, line.amount, line.unit) for line in formulation.lines.order_by("pk")]


def test_frozen_formulation_cannot_be_saved(melasma):
    melasma.name = "Melasma, stronger"
    with pytest.raises(FrozenFormulation):
        melasma.save()
    assert Formulation.objects.get().name == "Melasma"


def test_freezing_is_read_from_the_database_not_the_instance(melasma):
    stale = Formulation.objects.get(pk=melasma.pk)
    stale.frozen_at = None
    with pytest.raises(FrozenFormulation):
        stale.save()


def test_lines_of_a_frozen_formulation_cannot_be_changed_added_or_deleted(melasma):
    line = melasma.lines.first()
    line.amount = 1
    with pytest.raises(FrozenFormulation):
        line.save()
    with pytest.raises(FrozenFormulation):
        line.delete()
    with pytest.raises(FrozenFormulation):
        FormulationLineFactory(formulation=melasma, ingredient=ingredient(ZINC))
    assert FormulationLine.objects.count() == 2


def test_querysets_cannot_update_or_delete_frozen_rows(melasma):
    with pytest.raises(FrozenFormulation):
        Formulation.objects.filter(pk=melasma.pk).update(name="Changed")
    with pytest.raises(FrozenFormulation):
        Formulation.objects.filter(pk=melasma.pk).delete()
    with pytest.raises(FrozenFormulation):
        FormulationLine.objects.filter(formulation=melasma).update(amount=1)
    with pytest.raises(FrozenFormulation):
        FormulationLine.objects.filter(formulation=melasma).delete()
    assert Formulation.objects.get().name == "Melasma"
    assert FormulationLine.objects.count() == 2


def test_frozen_formulation_instance_cannot_be_deleted(melasma):
    with pytest.raises(FrozenFormulation):
        melasma.delete()
    assert Formulation.objects.filter(pk=melasma.pk).exists()
    assert FormulationLine.objects.count() == 2


def test_unfrozen_rows_still_change(derek):
    draft = FormulationFactory(name="Draft", created_by=derek, ingredients=[ZINC])
    assert Formulation.objects.filter(pk=draft.pk).update(name="Draft 2") == 1
    assert FormulationLine.objects.filter(formulation=draft).update(amount=2) == 1


def test_editing_a_frozen_version_creates_the_next_version(client, derek, melasma):
    lines_before = lines_of(melasma)
    client.force_login(derek)

    response = client.post(
        f"/formulations/{melasma.pk}/edit/",
        cocktail_form((TRANEXAMIC_ACID, "50", "mg/mL"), (GLUTATHIONE, "2", "%"), name="Melasma", total_volume_ml="3"),
    )

    version_2 = Formulation.objects.exclude(pk=melasma.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/formulations/{version_2.pk}/"
    assert (version_2.version, version_2.previous_version, version_2.lineage) == (2, melasma, melasma.lineage)
    assert version_2.total_volume_ml == 3
    assert version_2.created_by == derek
    assert not version_2.is_frozen
    assert lines_of(version_2) == [(TRANEXAMIC_ACID, 50, "mg/mL"), (GLUTATHIONE, 2, "%")]
    melasma.refresh_from_db()
    assert melasma.total_volume_ml == 2
    assert lines_of(melasma) == lines_before
    page = client.get(response["Location"]).content.decode()
    assert "Saved as version 2; version 1 stays as it was used." in page


def test_old_version_shows_the_history_and_links_the_latest(client, derek, melasma):
    client.force_login(derek)
    client.post(f"/formulations/{melasma.pk}/edit/", cocktail_form((VITAMIN_C, "2", "%"), name="Melasma"))
    version_2 = Formulation.objects.get(version=2)

    page = client.get(f"/formulations/{melasma.pk}/").content.decode()

    assert f'The latest is <a href="/formulations/{version_2.pk}/">version 2</a>' in page
    assert page.count('class="list-group-item') == 2  # both versions listed
    assert f'href="/formulations/{melasma.pk}/edit/"' not in page  # only the latest is edited
    latest = client.get(f"/formulations/{version_2.pk}/").content.decode()
    assert "This is an earlier version" not in latest
    assert f'<a href="/formulations/{melasma.pk}/">Melasma</a>' in latest


def test_editing_an_unfrozen_version_changes_it_in_place(client, derek):
    draft = FormulationFactory(name="Draft", created_by=derek, ingredients=[VITAMIN_C, ZINC])
    client.force_login(derek)

    response = client.post(
        f"/formulations/{draft.pk}/edit/", cocktail_form((VITAMIN_C, "2", "%"), name="Draft, less zinc")
    )

    assert response.status_code == 302
    assert response["Location"] == f"/formulations/{draft.pk}/"
    draft.refresh_from_db()
    assert Formulation.objects.get() == draft
    assert (draft.name, draft.version) == ("Draft, less zinc", 1)
    assert lines_of(draft) == [(VITAMIN_C, 2, "%")]
    assert "Changes saved." in client.get(response["Location"]).content.decode()


def test_refused_edit_of_a_frozen_version_creates_nothing(client, derek, melasma):
    client.force_login(derek)
    response = client.post(f"/formulations/{melasma.pk}/edit/", cocktail_form((VITAMIN_C, "5", "%")))
    assert response.status_code == 200
    assert Formulation.objects.get() == melasma


def test_edit_page_of_an_old_version_sends_to_the_latest(client, derek, melasma):
    client.force_login(derek)
    client.post(f"/formulations/{melasma.pk}/edit/", cocktail_form((VITAMIN_C, "2", "%"), name="Melasma"))
    version_2 = Formulation.objects.get(version=2)

    response = client.get(f"/formulations/{melasma.pk}/edit/")
    assert response.status_code == 302
    assert response["Location"] == f"/formulations/{version_2.pk}/"

    response = client.post(f"/formulations/{melasma.pk}/edit/", cocktail_form((ZINC, "1", "mg")))
    assert response.status_code == 302
    assert Formulation.objects.count() == 2  # no second "version 2"


def test_edit_page_of_a_frozen_version_says_saving_makes_a_new_version(client, derek, melasma):
    client.force_login(derek)
    page = client.get(f"/formulations/{melasma.pk}/edit/").content.decode()
    assert "Saving creates version 2." in page
    assert "Save as version 2" in page
    assert 'name="lines-TOTAL_FORMS" value="2"' in page


def test_revising_a_version_that_already_has_a_successor_is_refused(derek, melasma):
    revise = dict(name="Melasma", indication="pigmentation", total_volume_ml=Decimal(2), revised_by=derek)
    lines = [LineSpec(ingredient(VITAMIN_C), Decimal(2), "%")]
    version_2 = revise_formulation(formulation=melasma, lines=lines, **revise)

    with pytest.raises(ValidationError, match=r"A newer version of this cocktail exists; edit that one\."):
        revise_formulation(formulation=melasma, lines=lines, **revise)  # a second tab still showing version 1

    assert list(Formulation.objects.order_by("version")) == [melasma, version_2]
