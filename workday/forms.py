from django import forms
from django.utils.translation import gettext_lazy as _

from patients.forms import PatientForm
from treatments.models import Ingredient


class PatientRecordForm(PatientForm):
    """The patient's record as the chart registers and edits it: the registry's fields and,
    for dermatologists, allergies to the catalogue's ingredients."""

    allergy_ingredients = forms.ModelMultipleChoiceField(
        queryset=Ingredient.objects.all(),
        required=False,
        label="Allergic to ingredients",
        help_text="Cocktails containing these are refused for this patient.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, clinical: bool, **kwargs) -> None:
        super().__init__(*args, clinical=clinical, **kwargs)
        if not clinical:
            del self.fields["allergy_ingredients"]
        elif not self.instance._state.adding:
            self.fields["allergy_ingredients"].initial = list(self.instance.allergy_ingredients.all())

    def chosen_allergies(self) -> list[Ingredient] | None:
        """The allergies to record, or None when the form leaves them as they are."""
        if "allergy_ingredients" not in self.fields:
            return None
        if not self.instance._state.adding and "allergy_ingredients" not in self.changed_data:
            return None
        return list(self.cleaned_data["allergy_ingredients"])


class SkipSessionForm(forms.Form):
    # Short enough to stand whole on the cancelled appointment ("Session 2 is skipped: …").
    reason = forms.CharField(
        max_length=170,
        label=_("Why is this session skipped?"),
        error_messages={"required": _("Say why the session is skipped.")},
    )


class ResumePlanForm(forms.Form):
    reason = forms.CharField(
        max_length=250,
        label=_("Why is the course resumed?"),
        error_messages={"required": _("Say why the course is resumed.")},
    )
