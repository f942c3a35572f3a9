"""The medical questionnaire: its questions in the patient's words, answering it, and the
proposals its answers become.

Answers never change the chart. Each answer that may belong there (a yes to a condition in
the clinic's contraindication list, an allergy, a medicine, anything else said) becomes an
IntakeProposal; a dermatologist accepts it, through the chart's own writers
(`patients.registry` for conditions and the record's texts, `treatments.allergies` for the
typed allergies, so the safety checks then read them), or dismisses it with a note."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from clinic.models import User
from clinic.reasons import reason_error
from patients import registry
from patients.models import Contraindication, Patient
from treatments import allergies

from .models import IntakeProposal, IntakeResponse


@dataclass(frozen=True)
class Question:
    """One question. `goes_to` says where an accepted answer is written: a condition from
    the catalogue (`condition`, named by `contraindication`), or one of the record's texts
    (`allergies`, `current_medications`, `medical_conditions`)."""

    key: str
    label: str
    staff_label: str
    goes_to: str
    contraindication: str = ""
    detail_label: str = ""
    detail_required: bool = False
    yes_no: bool = True


CONDITION = "condition"
ALLERGIES = "allergies"
MEDICATIONS = "current_medications"
CONDITIONS_TEXT = "medical_conditions"

# The contraindications are named as the catalogue seeds them (patients/0004); a clinic that
# renames one still gets the proposal, and the dermatologist picks the condition on accepting.
QUESTIONS = [
    Question(
        "pregnancy",
        gettext_lazy("Are you pregnant, could you be pregnant, or are you breastfeeding?"),
        gettext_lazy("Pregnancy or breastfeeding"),
        CONDITION,
        "Pregnancy or breastfeeding",
    ),
    Question(
        "anticoagulants",
        gettext_lazy(
            "Do you take a blood thinner (for example warfarin, apixaban, rivaroxaban or clopidogrel), "
            "or do you bruise or bleed easily?"
        ),
        gettext_lazy("Blood thinner or bleeding easily"),
        CONDITION,
        "Anticoagulant therapy, bleeding disorder or low platelets",
    ),
    Question(
        "medication",
        gettext_lazy("Do you take any other medicines, including the pill, vitamins, supplements or skin creams?"),
        gettext_lazy("Medicines"),
        MEDICATIONS,
        detail_label=gettext_lazy("Which ones?"),
        detail_required=True,
    ),
    Question(
        "allergies",
        gettext_lazy("Are you allergic to anything (a medicine, an anaesthetic, latex, a food…)?"),
        gettext_lazy("Allergies"),
        ALLERGIES,
        detail_label=gettext_lazy("To what?"),
        detail_required=True,
    ),
    Question(
        "autoimmune",
        gettext_lazy(
            "Do you have an autoimmune disease (such as lupus or rheumatoid arthritis), or take medicines "
            "that lower your immunity or steroid tablets?"
        ),
        gettext_lazy("Autoimmune disease or lowered immunity"),
        CONDITION,
        "Autoimmune disease, immunodeficiency, immunosuppressants or systemic steroids",
    ),
    Question(
        "herpes",
        gettext_lazy("Do you get cold sores (herpes)?"),
        gettext_lazy("Cold sores (herpes)"),
        CONDITION,
        "History of herpes (cold sores) at the site",
    ),
    Question(
        "keloids",
        gettext_lazy("Do you, or does someone in your family, get thick raised scars (keloids)?"),
        gettext_lazy("Keloids"),
        CONDITION,
        "Keloid or hypertrophic scarring (self or family)",
    ),
    Question(
        "isotretinoin",
        gettext_lazy("Have you taken isotretinoin tablets for acne (such as Roaccutane) in the last 6 months?"),
        gettext_lazy("Isotretinoin in the last 6 months"),
        CONDITION,
        "Oral isotretinoin",
    ),
    Question(
        "recent_procedures",
        gettext_lazy("In the last 2 weeks, have you had fillers, a peel, laser or another skin treatment?"),
        gettext_lazy("Skin treatment in the last 2 weeks"),
        CONDITION,
        "Peel, microdermabrasion or other device treatment on the area",
        detail_label=gettext_lazy("What, and when?"),
    ),
    Question(
        "skin_infection",
        gettext_lazy("Do you have a skin infection, a wound, a cold sore or a rash where you are to be treated?"),
        gettext_lazy("Skin infection or wound at the site"),
        CONDITION,
        "Infection, wound, sunburn, eczema or psoriasis flare, or warts at the site",
    ),
    Question(
        "other",
        gettext_lazy("Is there anything else about your health your dermatologist should know?"),
        gettext_lazy("Anything else"),
        CONDITIONS_TEXT,
        yes_no=False,
    ),
]
UPDATE_QUESTIONS = [
    Question(
        "changes",
        gettext_lazy("Has anything changed in your health or your medicines since your last visit?"),
        gettext_lazy("Changed since the last visit"),
        CONDITIONS_TEXT,
        detail_label=gettext_lazy("What has changed?"),
        detail_required=True,
    ),
]
QUESTION_BY_KEY = {question.key: question for question in QUESTIONS + UPDATE_QUESTIONS}
YES, NO = "yes", "no"


class QuestionnaireForm(forms.Form):
    """Each yes/no question is a pair of radio buttons that must be answered; its detail,
    when it has one, is a text field beside it (`<key>_detail`)."""

    questions: list[Question] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in self.questions:
            if question.yes_no:
                self.fields[question.key] = forms.ChoiceField(
                    label=question.label,
                    choices=[(YES, _("Yes")), (NO, _("No"))],
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Please answer yes or no.")},
                )
                if question.detail_label:
                    self.fields[f"{question.key}_detail"] = forms.CharField(
                        label=question.detail_label, required=False, max_length=500
                    )
            else:
                self.fields[question.key] = forms.CharField(
                    label=question.label, required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
                )

    def clean(self):
        data = super().clean()
        for question in self.questions:
            detail = f"{question.key}_detail"
            if question.detail_required and data.get(question.key) == YES and not data.get(detail, "").strip():
                self.add_error(detail, _("Please tell us, in a few words."))
        return data

    def rows(self):
        """(question field, its detail field or None) for the template."""
        for question in self.questions:
            detail = f"{question.key}_detail"
            yield self[question.key], (self[detail] if detail in self.fields else None)

    def answers(self) -> dict:
        """The cleaned answers as stored: "yes"/"no" or text, and each detail given."""
        return {key: value.strip() for key, value in self.cleaned_data.items() if value.strip()}


class IntakeForm(QuestionnaireForm):
    """The full medical questionnaire, before the first session and when it is too old."""

    questions = QUESTIONS
    kind = IntakeResponse.Kind.FULL


class UpdateForm(QuestionnaireForm):
    """The short "has anything changed?" at a later visit."""

    questions = UPDATE_QUESTIONS
    kind = IntakeResponse.Kind.UPDATE


def form_for(kind: str) -> type[QuestionnaireForm]:
    return IntakeForm if kind == IntakeResponse.Kind.FULL else UpdateForm


def answer(
    *, patient: Patient, kind: str, answers: dict, channel: str, recorded_by: User, language: str
) -> IntakeResponse:
    """Keep the patient's answers (checked again by the questionnaire's form) and make a
    proposal of each that may belong in the chart; the chart itself does not change."""
    form = form_for(kind)(data=answers)
    if not form.is_valid():
        raise ValidationError(form.errors)
    answers = form.answers()
    catalogue = {c.name: c for c in Contraindication.objects.filter(active=True)}
    ongoing = set(patient.conditions.filter(ended_on__isnull=True).values_list("contraindication__name", flat=True))
    with transaction.atomic():
        response = IntakeResponse.objects.create(
            patient=patient,
            kind=kind,
            answers=answers,
            language=language,
            channel=channel,
            recorded_by=recorded_by,
        )
        proposals = []
        for question in form.questions:
            said = answers.get(question.key)
            detail = answers.get(f"{question.key}_detail", "")
            if not said or said == NO:
                continue
            if question.goes_to == CONDITION and question.contraindication in ongoing:
                continue
            proposals.append(
                IntakeProposal(
                    response=response,
                    patient=patient,
                    question=question.key,
                    contraindication=catalogue.get(question.contraindication),
                    text=(detail if question.yes_no else said)[:500],
                )
            )
        IntakeProposal.objects.bulk_create(proposals)
    return response


def readable_answers(response: IntakeResponse) -> list[tuple[str, str, str]]:
    """Each question of the response's questionnaire, for the staff: what it asks about,
    the answer ("Yes", "No", or the patient's words), and the detail given."""
    answers = response.answers
    rows = []
    for question in form_for(response.kind).questions:
        said = answers.get(question.key, "")
        if question.yes_no:
            said = {YES: _("Yes"), NO: _("No")}.get(said, "—")
        rows.append((str(question.staff_label), said or "—", answers.get(f"{question.key}_detail", "")))
    return rows


def on_chart(patient: Patient) -> dict:
    """What the chart says of the questionnaire: when it was last answered in full, and how
    many answers wait for a decision."""
    last = patient.intake_responses.filter(kind=IntakeResponse.Kind.FULL).values_list("answered_at", flat=True).first()
    pending = patient.intake_proposals.filter(status=IntakeProposal.Status.PENDING).count()
    return {"last_full": last, "pending": pending}


def locked_pending(proposal: IntakeProposal) -> IntakeProposal:
    """`proposal` read again under a lock; refused if someone decided it meanwhile."""
    proposal = IntakeProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != IntakeProposal.Status.PENDING:
        raise ProposalDecided(
            _("%(who)s already decided this answer (%(status)s).")
            % {"who": proposal.decided_by, "status": proposal.get_status_display().lower()}
        )
    return proposal


class ProposalDecided(ValidationError):
    """Someone else accepted or dismissed the proposal first."""


def decide(proposal: IntakeProposal, status: str, by: User, note: str = "") -> IntakeProposal:
    proposal.status = status
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.note = note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "note", "contraindication"])
    return proposal


def appended(text: str, addition: str) -> str:
    if addition.casefold() in text.casefold():
        return text
    return f"{text.rstrip()}\n{addition}" if text.strip() else addition


def accept(*, proposal: IntakeProposal, by: User, contraindication: Contraindication | None = None) -> IntakeProposal:
    """Write the answer into the chart: a condition (the proposal's, or `contraindication`
    chosen by the dermatologist), else the record's text it belongs to; typed allergies are
    read against the allergen catalogue as the chart's own form does."""
    with transaction.atomic():
        proposal = locked_pending(proposal)
        patient = Patient.objects.select_for_update().get(pk=proposal.patient_id)
        question = QUESTION_BY_KEY[proposal.question]
        chosen = contraindication or (proposal.contraindication if question.goes_to == CONDITION else None)
        if chosen is not None:
            proposal.contraindication = chosen
            if not patient.conditions.filter(contraindication=chosen, ended_on__isnull=True).exists():
                registry.record_condition(
                    patient=patient,
                    contraindication=chosen,
                    recorded_by=by,
                    started_on=timezone.localdate(proposal.response.answered_at),
                    notes=source_note(proposal, question)[:300],
                )
        elif question.goes_to == CONDITION:
            raise ValidationError({"contraindication": _("Choose the condition this answer is in the clinic's list.")})
        else:
            field = question.goes_to
            text = appended(getattr(patient, field), proposal.text)
            registry.update_patient(patient=patient, changed_by=by, **{field: text})
            if field == ALLERGIES:
                allergies.record_typed_allergies(patient=patient, text=text, recorded_by=by)
        return decide(proposal, IntakeProposal.Status.ACCEPTED, by)


def source_note(proposal: IntakeProposal, question: Question) -> str:
    with override(proposal.response.language):
        said = proposal.text or str(question.label)
    return _("From the questionnaire of %(day)s: %(said)s") % {
        "day": date_format(timezone.localtime(proposal.response.answered_at), "d/m/Y"),
        "said": said,
    }


def dismiss(*, proposal: IntakeProposal, by: User, note: str) -> IntakeProposal:
    """The answer does not belong in the chart; why stays with it."""
    note = note.strip()
    if error := reason_error(note, asked=_("Say why it does not go in the chart")):
        raise ValidationError({"note": error})
    with transaction.atomic():
        proposal = locked_pending(proposal)
        return decide(proposal, IntakeProposal.Status.DISMISSED, by, note)
