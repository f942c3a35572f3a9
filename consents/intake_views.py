"""The dermatologist's review of what the questionnaire's answers propose for the chart:
accept each into the conditions or the record's texts, or dismiss it with a note. Answers
are clinical: the front desk never sees them."""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from clinic.forms import add_error_by_field
from clinic.roles import Role, role_required
from patients.access import get_patient_for_user
from patients.models import Contraindication, Patient

from . import intake
from .models import IntakeProposal

RESPONSES_LISTED = 5


class AcceptProposalForm(forms.Form):
    """`conditions` (the clinic's list, read once for the page) are the choices."""

    contraindication = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Condition"),
        help_text=gettext_lazy("Leave empty to add the patient's words to the record."),
    )

    def __init__(self, *args, proposal: IntakeProposal, conditions: list[Contraindication], **kwargs):
        # One form per answer on the page: each its own ids, for its labels and its wrappers.
        super().__init__(
            *args,
            initial={"contraindication": proposal.contraindication_id},
            auto_id=f"accept-{proposal.pk}-%s",
            **kwargs,
        )
        self.conditions = {str(condition.pk): condition for condition in conditions}
        field = self.fields["contraindication"]
        field.choices = [("", "—"), *((pk, condition.name) for pk, condition in self.conditions.items())]
        if intake.QUESTION_BY_KEY[proposal.question].goes_to == intake.CONDITION:
            field.required = True
            field.help_text = ""

    def clean_contraindication(self) -> Contraindication | None:
        return self.conditions.get(self.cleaned_data["contraindication"])


def condition_choices() -> list[Contraindication]:
    return list(Contraindication.objects.filter(active=True, detection="").order_by("name"))


class DismissProposalForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Why it does not go in the chart"), max_length=300)

    def __init__(self, *args, proposal: IntakeProposal, **kwargs):
        super().__init__(*args, auto_id=f"dismiss-{proposal.pk}-%s", **kwargs)


def get_proposal_for_user(user, pk: int) -> IntakeProposal:
    return get_object_or_404(
        IntakeProposal.objects.filter(patient__in=Patient.objects.visible_to(user)).select_related(
            "patient", "response", "contraindication"
        ),
        pk=pk,
    )


def render_review(
    request: HttpRequest, patient: Patient, *, refused_form: tuple[int, str, forms.Form] | None = None, status=200
) -> HttpResponse:
    """The page; `refused_form` (proposal id, "accept_form" or "dismiss_form", the bound form)
    shows a refused decision with its messages by its fields."""
    proposals = list(
        patient.intake_proposals.select_related("response", "contraindication", "decided_by").order_by(
            "-response__answered_at", "id"
        )
    )
    conditions = condition_choices()
    for proposal in proposals:
        proposal.question_label = intake.QUESTION_BY_KEY[proposal.question].staff_label
        if proposal.status == IntakeProposal.Status.PENDING:
            proposal.accept_form = AcceptProposalForm(proposal=proposal, conditions=conditions)
            proposal.dismiss_form = DismissProposalForm(proposal=proposal)
            if refused_form and refused_form[0] == proposal.pk:
                setattr(proposal, refused_form[1], refused_form[2])
    context = {
        "patient": patient,
        "pending": [p for p in proposals if p.status == IntakeProposal.Status.PENDING],
        "decided": [p for p in proposals if p.status != IntakeProposal.Status.PENDING],
        "responses": [
            (response, intake.readable_answers(response))
            for response in patient.intake_responses.select_related("recorded_by")[:RESPONSES_LISTED]
        ],
    }
    return render(request, "consents/intake_review.html", context, status=status)


@require_GET
@role_required(Role.DERMATOLOGIST)
def intake_review(request: HttpRequest, pk: UUID) -> HttpResponse:
    return render_review(request, get_patient_for_user(request.user, pk))


def refused(
    request: HttpRequest, proposal: IntakeProposal, error: ValidationError, name: str, form: forms.Form
) -> HttpResponse:
    if isinstance(error, intake.ProposalDecided):
        # Someone decided it meanwhile: say who and how, on the page as it now stands.
        messages.error(request, " ".join(error.messages))
        return render_review(request, proposal.patient, status=409)
    add_error_by_field(form, error)
    return render_review(request, proposal.patient, refused_form=(proposal.pk, name, form), status=400)


@require_POST
@role_required(Role.DERMATOLOGIST)
def intake_proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user(request.user, pk)
    form = AcceptProposalForm(request.POST, proposal=proposal, conditions=condition_choices())
    if not form.is_valid():
        return render_review(request, proposal.patient, refused_form=(proposal.pk, "accept_form", form), status=400)
    try:
        intake.accept(proposal=proposal, by=request.user, contraindication=form.cleaned_data["contraindication"])
    except ValidationError as error:
        return refused(request, proposal, error, "accept_form", form)
    messages.success(request, _("The answer is in the chart."))
    return redirect("intake_review", proposal.patient_id)


@require_POST
@role_required(Role.DERMATOLOGIST)
def intake_proposal_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user(request.user, pk)
    form = DismissProposalForm(request.POST, proposal=proposal)
    if not form.is_valid():
        return render_review(request, proposal.patient, refused_form=(proposal.pk, "dismiss_form", form), status=400)
    try:
        intake.dismiss(proposal=proposal, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        return refused(request, proposal, error, "dismiss_form", form)
    messages.success(request, _("The answer is dismissed; your note stays with it."))
    return redirect("intake_review", proposal.patient_id)
