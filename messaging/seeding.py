"""A migration operation that seeds message templates in both languages, each with the start
of its history (messaging/0002, 0003…); backwards, it removes them."""

from django.db import migrations
from django.utils import timezone


class SeedTemplates(migrations.RunPython):
    """`templates`: {kind: (subject_en, body_en, subject_fr, body_fr)}. A kind the clinic
    already has keeps its words."""

    def __init__(self, templates: dict[str, tuple[str, str, str, str]]) -> None:
        def seed(apps, schema_editor) -> None:
            MessageTemplate = apps.get_model("messaging", "MessageTemplate")
            History = apps.get_model("messaging", "HistoricalMessageTemplate")
            now = timezone.now()
            for kind, (subject_en, body_en, subject_fr, body_fr) in templates.items():
                template, created = MessageTemplate.objects.get_or_create(
                    kind=kind,
                    defaults={
                        "subject": subject_en,
                        "subject_en": subject_en,
                        "subject_fr": subject_fr,
                        "body": body_en,
                        "body_en": body_en,
                        "body_fr": body_fr,
                    },
                )
                if created:
                    History.objects.create(
                        id=template.id,
                        kind=kind,
                        subject_en=subject_en,
                        subject_fr=subject_fr,
                        body_en=body_en,
                        body_fr=body_fr,
                        history_date=now,
                        history_type="+",
                        history_change_reason="Seeded default",
                    )

        def unseed(apps, schema_editor) -> None:
            apps.get_model("messaging", "HistoricalMessageTemplate").objects.filter(kind__in=templates).delete()
            apps.get_model("messaging", "MessageTemplate").objects.filter(kind__in=templates).delete()

        super().__init__(seed, unseed)
