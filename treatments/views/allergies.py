"""Resolving an allergy typed on the record that the allergen catalogue does not know: a
dermatologist links it to an allergen (it becomes an allergy) or says why it is not relevant."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clinic.forms import add_error_by_field
from clinic.roles import Role, role_required
from treatments import allergies
from treatments.access import get_unverified_allergy_for_user
from treatments.event_forms import DismissUnverifiedAllergyForm, LinkUnverifiedAllergyForm
from treatments.models import UnverifiedAllergy


def render_unverified(
    request: HttpRequest, unverified: UnverifiedAllergy, *, link_form=None, dismiss_form=None, status: int = 200
) -> HttpResponse:
    context = {
        "unverified": unverified,
        "resolution": allergies.resolution_of(unverified),
        "link_form": link_form or LinkUnverifiedAllergyForm(),
        "dismiss_form": dismiss_form or DismissUnverifiedAllergyForm(),
    }
    return render(request, "treatments/unverified_allergy.html", context, status=status)


def refused(request: HttpRequest, unverified: UnverifiedAllergy, error: ValidationError) -> HttpResponse:
    """Someone resolved it meanwhile: say who and how, on the page as it now stands."""
    messages.error(request, " ".join(error.messages))
    return render_unverified(request, get_unverified_allergy_for_user(request.user, unverified.pk), status=409)


@require_GET
@role_required(Role.DERMATOLOGIST)
def unverified_allergy(request: HttpRequest, pk: int) -> HttpResponse:
    return render_unverified(request, get_unverified_allergy_for_user(request.user, pk))


@require_POST
@role_required(Role.DERMATOLOGIST)
def unverified_allergy_link(request: HttpRequest, pk: int) -> HttpResponse:
    unverified = get_unverified_allergy_for_user(request.user, pk)
    form = LinkUnverifiedAllergyForm(request.POST)
    if not form.is_valid():
        return render_unverified(request, unverified, link_form=form, status=400)
    allergen = form.cleaned_data["allergen"]
    try:
        allergies.link_unverified_allergy(unverified=unverified, allergen=allergen, resolved_by=request.user)
    except ValidationError as error:
        return refused(request, unverified, error)
    messages.success(
        request,
        _("“%(text)s” is an allergy to %(allergen)s on the record.")
        % {
            "text": unverified.text,
            "allergen": allergen,
        },
    )
    return redirect(unverified.patient)


@require_POST
@role_required(Role.DERMATOLOGIST)
def unverified_allergy_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    unverified = get_unverified_allergy_for_user(request.user, pk)
    form = DismissUnverifiedAllergyForm(request.POST)
    if not form.is_valid():
        return render_unverified(request, unverified, dismiss_form=form, status=400)
    try:
        allergies.dismiss_unverified_allergy(
            unverified=unverified, reason=form.cleaned_data["reason"], resolved_by=request.user
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            add_error_by_field(form, error)
            return render_unverified(request, unverified, dismiss_form=form, status=400)
        return refused(request, unverified, error)
    messages.success(
        request, _("“%(text)s” is marked not relevant; the reason stays on record.") % {"text": unverified.text}
    )
    return redirect(unverified.patient)
