"""The clinic's message texts in English and French (django-modeltranslation), with their
history registered after the language columns exist, as treatments/translation.py explains."""

import simple_history
from modeltranslation.translator import TranslationOptions, translator

from messaging.models import MessageTemplate


class MessageTemplateTranslation(TranslationOptions):
    fields = ("subject", "body")
    required_languages = ("en", "fr")


translator.register(MessageTemplate, MessageTemplateTranslation)
simple_history.register(MessageTemplate, excluded_fields=list(MessageTemplateTranslation.fields))
