from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from messaging import outbox
from messaging.forms import MessageTemplateForm
from messaging.models import MessageTemplate, OutboxMessage
from messaging.rendering import CLINIC_KEYS, CONTEXT_KEYS, STAFF_KINDS


@admin.register(MessageTemplate)
class MessageTemplateAdmin(SimpleHistoryAdmin, TranslationAdmin):
    """The clinic's words for each message, in both languages, with their history. A text that
    would not render is refused next to its field (MessageTemplateForm)."""

    form = MessageTemplateForm
    list_display = ["kind", "subject"]
    readonly_fields = ["kind", "values"]
    fields = ["kind", "values", "subject", "body"]

    def has_add_permission(self, request) -> bool:
        return False  # one template per kind, seeded; the code decides which kinds exist

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("values it receives"))
    def values(self, template: MessageTemplate) -> str:
        keys = [*CONTEXT_KEYS[template.kind], *CLINIC_KEYS]
        if template.kind not in STAFF_KINDS:
            keys.append("opt_out_url")
        return format_html_join(", ", "<code>{{{{ {} }}}}</code>", ((key,) for key in keys))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """What was sent, or waits, or failed: read-only but for retrying a failed message."""

    list_display = ["created_at", "kind", "channel", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Retry the selected failed messages"))
    def retry(self, request, queryset) -> None:
        count = outbox.retry_failed(message_ids=queryset.values_list("pk", flat=True))
        skipped = queryset.count() - count
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count) % {"count": count},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was not failed and was left as it is.",
                    "%(count)d messages were not failed and were left as they are.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
