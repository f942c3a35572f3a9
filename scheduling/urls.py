from django.urls import path

from scheduling import views, waitlist_views

urlpatterns = [
    path("schedule/", views.schedule_day, name="schedule_day"),
    path("schedule/slots/", views.slots, name="slots"),
    path("appointments/new/", views.appointment_new, name="appointment_new"),
    path("appointments/patients/", views.patient_picker, name="patient_picker"),
    path("appointments/new/hold/", views.booking_hold, name="booking_hold"),
    path("appointments/<uuid:pk>/", views.appointment_detail, name="appointment_detail"),
    path("appointments/<uuid:pk>/reschedule/", views.appointment_reschedule, name="appointment_reschedule"),
    path("appointments/<uuid:pk>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path("appointments/<uuid:pk>/status/", views.appointment_status, name="appointment_status"),
    path("appointments/<uuid:pk>/no-show/", views.appointment_no_show, name="appointment_no_show"),
    path("appointments/<uuid:pk>/calendar.ics", views.appointment_ics, name="appointment_ics"),
    path("appointments/<uuid:pk>/waitlist/", waitlist_views.appointment_waitlist, name="appointment_waitlist"),
    path("waitlist/", waitlist_views.waitlist_page, name="waitlist"),
    path("waitlist/<int:pk>/remove/", waitlist_views.waitlist_remove, name="waitlist_remove"),
    path("plans/<uuid:pk>/book/", views.plan_book, name="plan_book"),
    path("calendar/", views.my_calendar, name="my_calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
