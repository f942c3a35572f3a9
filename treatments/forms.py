from decimal import Decimal

from django import forms

from patients.models import Patient
from treatments.cocktails import LineSpec, check_lines
from treatments.models import Formulation, FormulationLine, Indication, Ingredient, Unit


class FormulationForm(forms.ModelForm):
    patient = forms.ModelChoiceField(queryset=Patient.objects.none(), required=False, widget=forms.HiddenInput)

    class Meta:
        model = Formulation
        fields = ["name", "indication", "total_volume_ml", "notes"]
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
            if ingredient.max_amount is not None:
                option["attrs"]["data-max"] = f"{ingredient.max_amount.normalize():f} {ingredient.unit}"
        return option


class FormulationLineForm(forms.ModelForm):
    class Meta:
        model = FormulationLine
        fields = ["ingredient", "amount", "unit"]
        widgets = {
            "ingredient": IngredientSelect(attrs={"class": "form-select"}),
            "amount": forms.NumberInput(attrs={"step": "any", "min": "0", "class": "form-control"}),
            "unit": forms.Select(attrs={"class": "form-select"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ingredient"].queryset = Ingredient.objects.active()
        self.fields["unit"].choices = [("", "—"), *Unit.choices]
        self.fields["amount"].widget.attrs["aria-label"] = "Amount"
        self.fields["unit"].widget.attrs["aria-label"] = "Unit"
        self.fields["ingredient"].widget.attrs["aria-label"] = "Ingredient"

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError("Enter an amount above zero.")
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
                problems.extend(f"Line {number}: {message}" for message in field_errors)
        return problems + list(self.non_form_errors())

    def clean(self) -> None:
        if any(self.errors):
            return
        problems = check_lines(self.specs(), total_volume_ml=self.total_volume_ml)
        if problems:
            raise forms.ValidationError(problems)


LineFormSet = forms.formset_factory(
    FormulationLineForm, formset=BaseLineFormSet, extra=0, can_delete=True, max_num=40, validate_max=True
)


class FormulationFilterForm(forms.Form):
    indication = forms.ChoiceField(choices=[("", "All indications"), *Indication.choices], required=False)
    ingredient = forms.ModelChoiceField(queryset=Ingredient.objects.all(), required=False, empty_label="Any ingredient")


class AcknowledgementForm(forms.Form):
    finding_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        label="Why is it safe to go ahead?",
    )
