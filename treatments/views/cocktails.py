"""Cocktails: the clinic's templates and patients' own, composed with the safety panel beside them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.http import validate_int, validate_uuid
from clinic.roles import Role, role_required
from patients.access import get_patient_for_user
from patients.models import Patient
from treatments import cocktails, safety
from treatments.access import LINES_WITH_INGREDIENTS, get_formulation_for_user
from treatments.cocktails import CocktailBlocked, compose_formulation, revise_formulation
from treatments.forms import AcknowledgementForm, FormulationFilterForm, FormulationForm, LineFormSet
from treatments.models import Formulation, Indication

RECENT_PATIENT_COCKTAILS = 20


@require_GET
@role_required(Role.DERMATOLOGIST)
def formulation_list(request: HttpRequest) -> HttpResponse:
    filters = FormulationFilterForm(request.GET or None)
    formulations = Formulation.objects.visible_to(request.user).current().prefetch_related(LINES_WITH_INGREDIENTS)
    if filters.is_valid():
        if indication := filters.cleaned_data["indication"]:
            formulations = formulations.filter(indication=indication)
        if ingredient := filters.cleaned_data["ingredient"]:
            formulations = formulations.filter(lines__ingredient=ingredient)
    templates = formulations.templates().order_by("indication", "name")
    patient_cocktails = (
        formulations.filter(patient__in=Patient.objects.visible_to(request.user))
        .select_related("patient")
        .order_by("-created_at")[:RECENT_PATIENT_COCKTAILS]
    )
    context = {"filters": filters, "templates": templates, "patient_cocktails": patient_cocktails}
    return render(request, "treatments/formulation_list.html", context)


def composition_forms(request: HttpRequest, *, initial: dict, initial_lines: list[dict]):
    data = request.POST if request.method == "POST" else None
    form = FormulationForm(data, initial=initial, patients=Patient.objects.visible_to(request.user))
    lines = LineFormSet(data, initial=initial_lines, prefix="lines")
    if data is not None and form.is_valid():
        lines.total_volume_ml = form.cleaned_data["total_volume_ml"]
    return form, lines


def save_composition(form, lines, write) -> Formulation | None:
    """Run `write` once both forms are valid; put refusals next to what caused them."""
    lines_valid = lines.is_valid()  # validated even when the form is not, so every error shows at once
    if not (form.is_valid() and lines_valid):
        return None
    try:
        return write()
    except CocktailBlocked as blocked:
        form.add_error(
            None,
            _("This cocktail cannot be given to this patient: %(reasons)s")
            % {"reasons": " ".join(f.reason for f in blocked.findings)},
        )
    except ValidationError as error:
        form.add_error(None, error)
    return None


def lines_of(formulation: Formulation) -> list[dict]:
    return [
        {"ingredient": line.ingredient, "amount": f"{line.amount.normalize():f}", "unit": line.unit}
        for line in formulation.lines.all()
    ]


@require_http_methods(["GET", "POST"])
@role_required(Role.DERMATOLOGIST)
def formulation_new(request: HttpRequest) -> HttpResponse:
    patient = None
    if patient_id := request.GET.get("patient") or request.POST.get("patient"):
        patient = get_patient_for_user(request.user, validate_uuid(patient_id))
    starting_point = None
    if from_id := request.GET.get("from"):
        starting_point = get_formulation_for_user(request.user, validate_int(from_id))
    initial = {"patient": patient, "indication": Indication.REJUVENATION}
    initial_lines = []
    if starting_point:
        initial.update(
            name=f"{starting_point.name} — {patient.full_name}"
            if patient
            else _("%(name)s (copy)") % {"name": starting_point.name},
            indication=starting_point.indication,
            total_volume_ml=starting_point.total_volume_ml,
            notes=starting_point.notes,
        )
        initial_lines = lines_of(starting_point)
    form, lines = composition_forms(request, initial=initial, initial_lines=initial_lines)
    formulation = save_composition(
        form,
        lines,
        lambda: compose_formulation(
            name=form.cleaned_data["name"],
            indication=form.cleaned_data["indication"],
            total_volume_ml=form.cleaned_data["total_volume_ml"],
            notes=form.cleaned_data["notes"],
            patient=form.cleaned_data["patient"],
            lines=lines.specs(),
            created_by=request.user,
        ),
    )
    if formulation:
        messages.success(request, _("%(name)s is saved.") % {"name": formulation.name})
        return redirect(formulation)
    context = composition_context(request, form, lines, patient=patient, starting_point=starting_point)
    return render(request, "treatments/formulation_form.html", context)


@require_http_methods(["GET", "POST"])
@role_required(Role.DERMATOLOGIST)
def formulation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    formulation = get_formulation_for_user(request.user, pk)
    if formulation.next_versions.exists():
        messages.info(request, _("That is an older version; this is the latest."))
        return redirect(formulation.versions()[-1])
    initial = {
        "name": formulation.name,
        "indication": formulation.indication,
        "total_volume_ml": formulation.total_volume_ml,
        "notes": formulation.notes,
        "patient": formulation.patient,
    }
    form, lines = composition_forms(request, initial=initial, initial_lines=lines_of(formulation))
    revised = save_composition(
        form,
        lines,
        lambda: revise_formulation(
            formulation=formulation,
            name=form.cleaned_data["name"],
            indication=form.cleaned_data["indication"],
            total_volume_ml=form.cleaned_data["total_volume_ml"],
            notes=form.cleaned_data["notes"],
            lines=lines.specs(),
            revised_by=request.user,
        ),
    )
    if revised:
        if revised.pk != formulation.pk:
            messages.success(
                request,
                _("Saved as version %(new)s; version %(old)s stays as it was used.")
                % {"new": revised.version, "old": formulation.version},
            )
        else:
            messages.success(request, _("Changes saved."))
        return redirect(revised)
    context = composition_context(request, form, lines, patient=formulation.patient, editing=formulation)
    return render(request, "treatments/formulation_form.html", context)


def composition_context(request, form, lines, *, patient, starting_point=None, editing=None) -> dict:
    return {
        "form": form,
        "lines": lines,
        "patient": patient,
        "starting_point": starting_point,
        "editing": editing,
        "templates": Formulation.objects.visible_to(request.user).current().templates().order_by("name")
        if editing is None
        else [],
        "summary": composition_summary(form, lines, patient),
    }


def composition_summary(form, lines, patient) -> dict:
    """The side panel for the cocktail form as it stands (cocktails.composition_preview decides what it says)."""
    return cocktails.composition_preview(
        patient=patient,
        lines=lines.chosen_lines(),
        total_volume_ml=form.cleaned_data.get("total_volume_ml")
        if form.is_bound
        else form.initial.get("total_volume_ml"),
        problems=lines.line_problems() if lines.is_bound else [],
    )


@require_POST
@role_required(Role.DERMATOLOGIST)
def formulation_preview(request: HttpRequest) -> HttpResponse:
    """The composition panel for the form as it stands (htmx, on every change)."""
    patient = None
    if patient_id := request.POST.get("patient"):
        patient = get_patient_for_user(request.user, validate_uuid(patient_id))
    form, lines = composition_forms(request, initial={}, initial_lines=[])
    lines.is_valid()
    return render(
        request, "treatments/_composition_summary.html", {"summary": composition_summary(form, lines, patient)}
    )


@require_GET
@role_required(Role.DERMATOLOGIST)
def formulation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    formulation = get_formulation_for_user(request.user, pk)
    findings = []
    if formulation.patient:
        findings = safety.check_formulation_for_patient(
            patient=formulation.patient, formulation=formulation, on_date=timezone.localdate()
        )
    context = {"formulation": formulation, "findings": findings, "versions": formulation.versions()}
    return render(request, "treatments/formulation_detail.html", context)


@require_POST
@role_required(Role.DERMATOLOGIST)
def formulation_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    formulation = get_formulation_for_user(request.user, pk)
    if formulation.patient is None:
        raise Http404
    form = AcknowledgementForm(request.POST)
    if form.is_valid():
        try:
            safety.acknowledge_finding(
                patient=formulation.patient,
                formulation=formulation,
                finding_key=form.cleaned_data["finding_key"],
                reason=form.cleaned_data["reason"],
                acknowledged_by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Warning acknowledged; your reason is on record."))
    else:
        messages.error(request, _("Say why it is safe to go ahead before acknowledging the warning."))
    return redirect(formulation)
