"""The clinic's texts that reach patients, in English and in French (django-modeltranslation):
each field below gets a `_en` and a `_fr` column, edited side by side in the admin, and reads
in the active language (English when the French is not written yet).

These models keep their history (who changed a sheet's advice, from what, in either
language), registered here rather than with `HistoricalRecords()` on the model: the history
model copies the model's columns when it is built, so it must be built after the language
columns exist, as django-simple-history's documentation says for modeltranslation."""

import simple_history
from modeltranslation.translator import TranslationOptions, translator

from treatments.models import AftercareTopic, Ingredient, Protocol, TreatmentArea


class AftercareTopicTranslation(TranslationOptions):
    fields = ("title", "duration", "advice")


class TreatmentAreaTranslation(TranslationOptions):
    fields = ("patient_name", "aftercare_notes")


class ProtocolTranslation(TranslationOptions):
    fields = ("patient_name",)


class IngredientTranslation(TranslationOptions):
    fields = ("patient_name",)
    # No other language's name: without one in the reader's, the catalogue's name (name_for_patients).
    fallback_languages = {"default": ()}


translator.register(AftercareTopic, AftercareTopicTranslation)
translator.register(TreatmentArea, TreatmentAreaTranslation)
translator.register(Protocol, ProtocolTranslation)
translator.register(Ingredient, IngredientTranslation)
# Clinical defaults, as the ingredients' limits: their history shows in the admin, each
# language's column as its own field. The untranslated column only mirrors the English.
for model, options in (
    (AftercareTopic, AftercareTopicTranslation),
    (TreatmentArea, TreatmentAreaTranslation),
    (Protocol, ProtocolTranslation),
    (Ingredient, IngredientTranslation),
):
    simple_history.register(model, excluded_fields=list(options.fields))
