from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from scheduling.models import Appointment, AppointmentChange, CalendarFeed, Room, TimeOff, WorkingHours


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "active"]
    list_editable = ["active"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "weekday", "start", "end"]
    list_filter = ["practitioner", "weekday"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["__str__", "practitioner", "room", "start", "end", "reason"]
    list_filter = ["practitioner", "room"]
    date_hierarchy = "start"


class AppointmentChangeInline(admin.TabularInline):
    model = AppointmentChange
    extra = 0
    can_delete = False
    readonly_fields = ["changed_at", "changed_by", "description"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Appointment)
class AppointmentAdmin(SimpleHistoryAdmin):
    """Read-only: bookings go through the booking pages, which keep the rules and history."""

    list_display = ["start", "patient", "practitioner", "room", "status"]
    list_filter = ["status", "practitioner", "room"]
    date_hierarchy = "start"
    search_fields = ["patient__last_name", "patient__first_name"]
    inlines = [AppointmentChangeInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "created_at"]
    readonly_fields = ["token", "created_at"]
