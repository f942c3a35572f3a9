from django import forms

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
