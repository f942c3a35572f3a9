import unicodedata

from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.forms import DateInput
from patients.models import Contraindication, Patient, PatientCondition


def strip_invisible(text: str) -> str:
    """Drop zero-width and other format characters that make a name look empty or differ unseen."""
    visible = "".join(character for character in text if unicodedata.category(character) != "Cf").strip()
    if not visible:
        raise forms.ValidationError(forms.Field.default_error_messages["required"], code="required")
    return visible


class PatientForm(forms.ModelForm):
    """The patient's record as the signed-in role may edit it.

    Everyone who registers patients edits contact details; only dermatologists see and
    edit the clinical profile (`clinical=True`). Fields left out are never touched.
    """

    confirm_not_duplicate = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label=gettext_lazy("This is a different person: register anyway"),
    )

    class Meta:
        model = Patient
        fields = [*Patient.CONTACT_FIELDS, *Patient.CLINICAL_FIELDS]
        widgets = {
            "date_of_birth": DateInput(),
            "address": forms.Textarea(attrs={"rows": 2}),
            "allergies": forms.Textarea(attrs={"rows": 2}),
            "medical_conditions": forms.Textarea(attrs={"rows": 2}),
            "current_medications": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, clinical: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not clinical:
            for name in Patient.CLINICAL_FIELDS:
                del self.fields[name]
        if not self.instance._state.adding:
            del self.fields["confirm_not_duplicate"]
        self.fields["sex"].choices = [("", "—"), *Patient.Sex.choices]
        # A form from before the field (an old tab, a script) keeps the language on record.
        self.fields["preferred_language"].required = False
        # Its callable default would add a hidden initial copy, which Django renders with the
        # field's aria-describedby: invalid HTML (the Nu checker), and nothing here reads it.
        self.fields["preferred_language"].show_hidden_initial = False
        if "skin_type" in self.fields:
            self.fields["skin_type"].choices = [("", _("Not assessed")), *Patient.SkinType.choices]

    def clean_preferred_language(self) -> str:
        return self.cleaned_data["preferred_language"] or self.instance.preferred_language

    def clean_first_name(self) -> str:
        return strip_invisible(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return strip_invisible(self.cleaned_data["last_name"])

    def clean(self) -> dict:
        cleaned = super().clean()
        if "confirm_not_duplicate" in self.fields and not cleaned.get("confirm_not_duplicate"):
            self.check_for_duplicates(cleaned)
        return cleaned

    def check_for_duplicates(self, cleaned: dict) -> None:
        if not all(cleaned.get(name) for name in ("first_name", "last_name", "date_of_birth")):
            return
        duplicates = Patient.objects.likely_duplicates_of(
            first_name=cleaned["first_name"],
            last_name=cleaned["last_name"],
            date_of_birth=cleaned["date_of_birth"],
        )[:5]
        if not duplicates:
            return
        self.fields["confirm_not_duplicate"].widget = forms.CheckboxInput()
        links = format_html_join(
            ", ",
            '<a href="{}">{}{}</a>',
            ((reverse("patient_chart", args=[p.pk]), p, _(" (archived)") if p.is_archived else "") for p in duplicates),
        )
        self.add_error(
            "confirm_not_duplicate",
            format_html(
                _(
                    "A patient with this name and date of birth is already registered: {}. "
                    "Open their chart instead, or tick this box if this is a different person."
                ),
                links,
            ),
        )

    def patient_details(self) -> dict:
        """The cleaned values of the patient's own fields, named as the model names them."""
        return {name: value for name, value in self.cleaned_data.items() if name in self._meta.fields}

    def changed_details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self._meta.fields}


class ConditionForm(forms.ModelForm):
    class Meta:
        model = PatientCondition
        fields = ["contraindication", "started_on", "ended_on", "notes"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}
        labels = {"contraindication": gettext_lazy("Condition")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contraindication"].queryset = Contraindication.objects.filter(active=True, detection="")


class EndConditionForm(forms.Form):
    ended_on = forms.DateField(widget=DateInput(), label=gettext_lazy("Ended on"))
