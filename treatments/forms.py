import calendar
import re
from datetime import date
from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.forms import DateInput
from patients.models import Patient
from treatments.cocktails import LineSpec, check_lines
from treatments.models import (
    Formulation,
    FormulationLine,
    Indication,
    Ingredient,
    Product,
    TreatmentArea,
    TreatmentPlan,
    TreatmentSession,
    Unit,
    format_amount,
    normalised_lot_number,
    units_fit,
)
from treatments.records import Lot


class FormulationForm(forms.ModelForm):
    patient = forms.ModelChoiceField(queryset=Patient.objects.none(), required=False, widget=forms.HiddenInput)

    class Meta:
        model = Formulation
        fields = ["name", "indication", "total_volume_ml", "notes"]
        labels = {"name": _("Name"), "indication": _("Indication"), "notes": _("Notes")}
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2}),
            "total_volume_ml": forms.NumberInput(attrs={"step": "0.1", "min": "0.5", "max": "20"}),
        }

    def __init__(self, *args, patients, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients


class IngredientSelect(forms.Select):
    """Each option carries the ingredient's unit and limits, so the line editor can fill
    in the unit and show the limit as soon as an ingredient is picked."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        ingredient = getattr(value, "instance", None)
        if ingredient is not None:
            option["attrs"]["data-unit"] = ingredient.unit
            if limits := ingredient_limits(ingredient):
                option["attrs"]["data-max"] = limits
        return option


def ingredient_limits(ingredient: Ingredient) -> str:
    """The maximums as the line editor shows them beside the amount."""
    limits = []
    if ingredient.max_per_ml is not None:
        limits.append(
            gettext("%(amount)s per mL") % {"amount": format_amount(ingredient.max_per_ml, ingredient.per_ml_unit)}
        )
    if ingredient.max_per_session is not None:
        limits.append(
            gettext("%(amount)s per session")
            % {"amount": format_amount(ingredient.max_per_session, ingredient.per_session_unit)}
        )
    return ", ".join(limits)


class FormulationLineForm(forms.ModelForm):
    class Meta:
        model = FormulationLine
        fields = ["ingredient", "amount", "unit"]
        labels = {"ingredient": _("Ingredient"), "amount": _("Amount"), "unit": _("Unit")}
        widgets = {
            "ingredient": IngredientSelect(attrs={"class": "form-select"}),
            "amount": forms.NumberInput(attrs={"step": "any", "min": "0", "class": "form-control"}),
            "unit": forms.Select(attrs={"class": "form-select"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ingredient"].queryset = Ingredient.objects.active()
        self.fields["unit"].choices = [("", "—"), *Unit.choices]
        self.fields["amount"].widget.attrs["aria-label"] = gettext("Amount")
        self.fields["unit"].widget.attrs["aria-label"] = gettext("Unit")
        self.fields["ingredient"].widget.attrs["aria-label"] = gettext("Ingredient")

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(gettext("Enter an amount above zero."))
        return amount


class BaseLineFormSet(forms.BaseFormSet):
    total_volume_ml: Decimal | None = None

    def specs(self) -> list[LineSpec]:
        return [
            LineSpec(form.cleaned_data["ingredient"], form.cleaned_data["amount"], form.cleaned_data["unit"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("ingredient")
        ]

    def chosen_lines(self) -> list[dict]:
        """The lines with an ingredient picked, as far as they parse: the saved initial
        lines before a submit, the cleaned values after one."""
        if not self.is_bound:
            return list(self.initial or [])
        return [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("ingredient")
            and not form.cleaned_data.get("DELETE")
        ]

    def line_problems(self) -> list[str]:
        """Every refusal of the line editor in one list, row by row, for the summary panel."""
        problems = []
        for number, form in enumerate(self.forms, start=1):
            if self._should_delete_form(form):
                continue
            for field_errors in form.errors.values():
                problems.extend(
                    gettext("Line %(number)s: %(message)s") % {"number": number, "message": message}
                    for message in field_errors
                )
        return problems + list(self.non_form_errors())

    def clean(self) -> None:
        if self.total_volume_ml:
            for form in self.forms:
                line = getattr(form, "cleaned_data", None) or {}
                ingredient, amount, unit = line.get("ingredient"), line.get("amount"), line.get("unit")
                if ingredient and amount and unit and not line.get("DELETE") and units_fit(unit, ingredient.unit):
                    for problem in ingredient.dose_problems(amount, unit, self.total_volume_ml):
                        form.add_error("amount", problem)
        if any(self.errors):
            return
        problems = check_lines(self.specs(), total_volume_ml=self.total_volume_ml)
        if problems:
            raise forms.ValidationError(problems)


# absolute_max keeps a forged TOTAL_FORMS from making the server build thousands of forms.
LineFormSet = forms.formset_factory(
    FormulationLineForm,
    formset=BaseLineFormSet,
    extra=0,
    can_delete=True,
    max_num=40,
    absolute_max=40,
    validate_max=True,
)


class FormulationFilterForm(forms.Form):
    # Bootstrap's form-select keeps each list within its column: an unstyled one as wide as its
    # longest ingredient covered the Filter button beside it (WCAG 2.5.8, target size).
    indication = forms.ChoiceField(
        choices=[("", _("All indications")), *Indication.choices],
        required=False,
        label=_("Indication"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    ingredient = forms.ModelChoiceField(
        queryset=Ingredient.objects.all(),
        required=False,
        empty_label=_("Any ingredient"),
        label=_("Ingredient"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class AcknowledgementForm(forms.Form):
    finding_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        label=_("Why is it safe to go ahead?"),
    )


def acknowledgement_reason_field() -> forms.CharField:
    """Where the dermatologist records why it is safe to go ahead despite warnings."""
    return forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Why is it safe to go ahead despite the warnings?"),
    )


def override_reason_field() -> forms.CharField:
    """Where a dermatologist writes why the session goes ahead although a rule refuses it."""
    return forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Why is it right to go ahead anyway? (dermatologist's override)"),
    )


class OverrideFields(forms.Form):
    """The override of the rules a recording or a correction breaks; `overridden_rules`
    carries back the breaches the dermatologist was shown (treatments.overrides)."""

    override_reason = override_reason_field()
    overridden_rules = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def overriding(self) -> list[str]:
        return self.cleaned_data.get("overridden_rules", "").split()


class FormulationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, formulation: Formulation) -> str:
        if formulation.is_template:
            return gettext("%(cocktail)s (clinic template, copied for the patient)") % {"cocktail": formulation}
        return gettext("%(cocktail)s (patient's own)") % {"cocktail": formulation}


class PlanForm(OverrideFields, forms.ModelForm):
    formulation = FormulationChoiceField(queryset=Formulation.objects.none(), label=_("Cocktail"))
    acknowledgement_reason = acknowledgement_reason_field()

    class Meta:
        model = TreatmentPlan
        fields = [
            "protocol",
            "formulation",
            "start_date",
            "sessions_planned",
            "interval_days",
            "min_days",
            "max_days",
            "maintenance_interval_days",
            "maintenance_count",
            "notes",
        ]
        widgets = {
            "start_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "protocol": forms.HiddenInput,
        }
        labels = {
            "protocol": _("Protocol"),
            "start_date": _("Start date"),
            "interval_days": _("Interval days"),
            "maintenance_interval_days": _("Maintenance every (days)"),
            "maintenance_count": _("Maintenance sessions"),
            "notes": _("Notes"),
        }

    def __init__(self, *args, patient, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["formulation"].queryset = (
            Formulation.objects.current()
            .filter(models.Q(patient=patient) | models.Q(patient__isnull=True))
            .order_by(models.F("patient").asc(nulls_last=True), "name")
            .prefetch_related("lines__ingredient")
        )
        for name in ("interval_days", "min_days", "max_days"):
            self.fields[name].widget.attrs.update(min=3, max=365)
        self.fields["sessions_planned"].widget.attrs.update(min=1, max=52)


class PlanAreaForm(forms.Form):
    area = forms.ModelChoiceField(queryset=TreatmentArea.objects.filter(active=True), widget=forms.HiddenInput)
    included = forms.BooleanField(required=False, label=_("Included"))
    volume_ml = forms.DecimalField(
        required=False, min_value=Decimal("0.1"), max_value=Decimal(20), decimal_places=2, label=_("mL per session")
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("included") and not cleaned.get("volume_ml"):
            self.add_error("volume_ml", gettext("Give the volume for this area."))
        return cleaned


class BasePlanAreaFormSet(forms.BaseFormSet):
    def chosen(self) -> list:
        return [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("included")
            and form.cleaned_data.get("volume_ml")
        ]


PlanAreaFormSet = forms.formset_factory(PlanAreaForm, formset=BasePlanAreaFormSet, extra=0, max_num=30, absolute_max=30)


class StopPlanForm(forms.Form):
    # Short enough to stand whole on each cancelled appointment ("The course was stopped: …").
    reason = forms.CharField(
        max_length=170,
        label=_("Why is the course stopped?"),
        error_messages={"required": _("Say why the course is stopped.")},
    )


def reactions_field() -> forms.MultipleChoiceField:
    """The signs seen right after the session, several at once (redness and swelling)."""
    return forms.MultipleChoiceField(
        choices=TreatmentSession.Reaction.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Immediate reaction"),
        error_messages={"required": _("Record the immediate reaction (or none).")},
    )


class ReactionsFormMixin:
    """The reaction fields' rules, asked of the model so that the form and the record agree."""

    def clean_reactions(self) -> list[str]:
        reactions = TreatmentSession.ordered_reactions(self.cleaned_data["reactions"])
        if error := TreatmentSession.reactions_error(reactions):
            raise forms.ValidationError(error)
        return reactions

    def clean(self) -> dict:
        cleaned = super().clean()
        if error := TreatmentSession.reaction_notes_error(
            cleaned.get("reactions", []), cleaned.get("reaction_notes", "")
        ):
            self.add_error("reaction_notes", error)
        return cleaned


class RecordSessionForm(OverrideFields, ReactionsFormMixin, forms.ModelForm):
    formulation = forms.ModelChoiceField(queryset=Formulation.objects.none(), label=_("Cocktail version injected"))
    reactions = reactions_field()
    acknowledgement_reason = acknowledgement_reason_field()

    def clean_formulation(self) -> Formulation:
        return self.cleaned_data["formulation"] or self.instance.formulation

    class Meta:
        model = TreatmentSession
        fields = ["done_at", "practitioner", "formulation", "reactions", "reaction_notes", "notes"]
        widgets = {
            "done_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "done_at": _("Done at"),
            "practitioner": _("Practitioner"),
            "reaction_notes": _("Reaction notes"),
            "notes": _("Notes"),
        }

    def __init__(self, *args, session: TreatmentSession, dermatologists, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_at"].required = True
        self.fields["practitioner"].required = True
        self.fields["practitioner"].queryset = dermatologists
        self.fields["formulation"].queryset = Formulation.objects.filter(
            lineage=session.plan.formulation.lineage
        ).order_by("-version")


class SessionAreaForm(forms.Form):
    area = forms.ModelChoiceField(queryset=TreatmentArea.objects.all(), widget=forms.HiddenInput)
    volume_ml = forms.DecimalField(
        min_value=Decimal("0.01"), max_value=Decimal(20), decimal_places=2, label=_("mL injected")
    )
    technique = forms.ChoiceField(choices=TreatmentArea.Technique.choices, label=_("Technique"))


class BaseSessionAreaFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index: int) -> dict:
        # Every area row sent is a recorded volume, even one a forged form calls "extra".
        return {"empty_permitted": False}


SessionAreaFormSet = forms.formset_factory(
    SessionAreaForm, formset=BaseSessionAreaFormSet, extra=0, max_num=30, absolute_max=30
)


# A label's expiry is often only a month: MM/YYYY or MM/YY.
EXPIRY_MONTH = re.compile(r"(?P<month>\d{1,2})\s*/\s*(?P<year>\d{4}|\d{2})")


class ExpiryField(forms.DateField):
    """An expiry date, typed as on the label: a month (MM/YYYY or MM/YY, which means the last
    day of that month, the day a product dated by month may still be used) or a full date."""

    widget = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": _("MM/YYYY or DD/MM/YYYY")})
    input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
    default_error_messages = {
        "invalid": _(
            "Enter the expiry as on the label: a month (09/2027, the end of that month) or a date (30/09/2027)."
        )
    }

    def to_python(self, value):
        if isinstance(value, str) and (month := EXPIRY_MONTH.fullmatch(value.strip())):
            return self.end_of_month(month["month"], month["year"])
        return super().to_python(value)

    def end_of_month(self, month: str, year: str) -> date:
        # Two digits are this century's year: no lot on a shelf expires in 1927.
        number = int(year) + 2000 if len(year) == 2 else int(year)
        if not 1 <= int(month) <= 12:
            raise forms.ValidationError(_("There is no month %(month)s: months go from 01 to 12.") % {"month": month})
        if number < 1:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(number, int(month), calendar.monthrange(number, int(month))[1])


class ProductField(forms.CharField):
    """A product of the catalogue, typed by its name or its label as the picker offers it.
    Another product is refused: what it contains is what the allergy check reads, so only
    the manager, who records its composition, adds one."""

    widget = forms.TextInput(attrs={"list": "product-options", "autocomplete": "off", "data-product-search": ""})

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if len(text) <= 200 and (product := Product.objects.named(text)) is not None:
            return product
        if Product.objects.filter(active=True, name__iexact=" ".join(text.split())).count() > 1:
            raise forms.ValidationError(
                _("Several products are called %(name)s: choose one by its presentation from the list.")
                % {"name": text}
            )
        raise forms.ValidationError(_("Not in the product catalogue — ask the manager to add it."))

    def prepare_value(self, value):
        return value.label if isinstance(value, Product) else value


class LotForm(forms.Form):
    """A lot used: product, number and, for a lot not registered yet, its expiry."""

    product = ProductField(label=_("Product"))
    lot_number = forms.CharField(
        max_length=60,
        label=_("Lot number"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-lot-search": ""}),
    )
    expiry_date = ExpiryField(label=_("Expiry date"), required=False)

    def clean_lot_number(self) -> str:
        # A recall ignores spaces and dashes: a number made only of them could never be found.
        lot_number = self.cleaned_data["lot_number"]
        if not normalised_lot_number(lot_number):
            raise forms.ValidationError(_("Enter the lot number printed on the label: letters or digits."))
        return lot_number


class BaseLotFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index: int) -> dict:
        # A row emptied is a lot taken off the record, even one the correction started from.
        return {"empty_permitted": True}

    def clean(self) -> None:
        if any(self.errors):
            return
        if not [form for form in self.forms if form.cleaned_data]:
            raise forms.ValidationError(gettext("Record the lot of each product used."))


LotFormSet = forms.formset_factory(LotForm, formset=BaseLotFormSet, extra=3, max_num=20, absolute_max=20)
AmendLotFormSet = forms.formset_factory(LotForm, formset=BaseLotFormSet, extra=1, max_num=20, absolute_max=20)


def lots_of(formset: BaseLotFormSet) -> list:
    """The lots a valid formset names, in its rows' order (an empty row names none)."""
    return [Lot(row["product"], row["lot_number"], row["expiry_date"]) for row in formset.cleaned_data if row]


def lot_forms_initial(uses) -> list[dict]:
    """A recorded session's lots (its SessionLot rows) as the correction form starts from."""
    return [
        {"product": use.lot.product, "lot_number": use.lot.lot_number, "expiry_date": use.lot.expiry_date}
        for use in uses
    ]


def show_lot_refusals(formset: BaseLotFormSet, lot_rows: dict[int, dict[str, str]]) -> None:
    """Each lot refusal of a write beside its row and field. The rows given to the write
    were the filled ones, in order."""
    filled = [form for form in formset.forms if form.cleaned_data]
    for index, fields in lot_rows.items():
        for field, message in fields.items():
            filled[index].add_error(field, message)


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, formulation: Formulation) -> str:
        return gettext("Version %(number)s — %(name)s") % {"number": formulation.version, "name": formulation.name}


class AmendSessionForm(OverrideFields, ReactionsFormMixin, forms.ModelForm):
    # Not sent, the version stays as recorded.
    formulation = VersionChoiceField(
        queryset=Formulation.objects.none(), required=False, label=_("Cocktail version injected")
    )
    reactions = reactions_field()
    reason = forms.CharField(max_length=300, label=_("Why is the record corrected?"))
    acknowledgement_reason = acknowledgement_reason_field()
    # The corrections the form was opened on: a correction made meanwhile refuses this one.
    amendments_seen = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, dermatologists, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["amendments_seen"] = self.instance.amendments.count()
        self.fields["done_at"].required = True
        self.fields["practitioner"].required = True
        self.fields["practitioner"].queryset = dermatologists
        self.fields["practitioner"].label = gettext("Performed by")
        self.fields["formulation"].queryset = Formulation.objects.filter(
            lineage=self.instance.plan.formulation.lineage
        ).order_by("-version")

    def clean_formulation(self) -> Formulation:
        return self.cleaned_data["formulation"] or self.instance.formulation

    class Meta:
        model = TreatmentSession
        fields = ["done_at", "practitioner", "formulation", "reactions", "reaction_notes", "notes"]
        widgets = {
            "done_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"done_at": _("Done at"), "reaction_notes": _("Reaction notes"), "notes": _("Notes")}


class GivenAreaForm(SessionAreaForm):
    """An area of the course in a correction of what was given: no volume, not given."""

    volume_ml = forms.DecimalField(
        required=False, min_value=Decimal("0.01"), max_value=Decimal(20), decimal_places=2, label=_("mL injected")
    )


class BaseGivenAreaFormSet(BaseSessionAreaFormSet):
    def given(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("volume_ml")]

    def refuse(self, errors: list[str]) -> None:
        """Show a write's refusal of the areas given above them, as the formset's own errors."""
        self.errors  # noqa: B018 -- cleaned first, so the refusal is not cleaned away
        self._non_form_errors = self.error_class(errors, error_class="nonform", renderer=self.renderer)


GivenAreaFormSet = forms.formset_factory(
    GivenAreaForm, formset=BaseGivenAreaFormSet, extra=0, max_num=30, absolute_max=30
)
