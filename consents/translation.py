"""A consent form's wording in English and in French (django-modeltranslation): each version
has a `title_en`/`title_fr` and a `body_en`/`body_fr`. A patient signs the text in their own
language, never a fallback: a version must carry both before it is published."""

from modeltranslation.translator import TranslationOptions, translator

from consents.models import ConsentVersion


class ConsentVersionTranslation(TranslationOptions):
    fields = ("title", "body")
    fallback_languages = {"default": ()}


translator.register(ConsentVersion, ConsentVersionTranslation)
