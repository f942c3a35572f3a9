from django.urls import path

from workday.views import charts, courses, sessions, today

urlpatterns = [
    path("today/", today.today, name="today"),
    path("today/print/", today.today_print, name="today_print"),
    path("patients/new/", charts.patient_new, name="patient_new"),
    path("patients/<uuid:pk>/", charts.patient_chart, name="patient_chart"),
    path("patients/<uuid:pk>/edit/", charts.patient_edit, name="patient_edit"),
    path("patients/<uuid:pk>/conditions/", charts.condition_add, name="condition_add"),
    path("patients/<uuid:pk>/conditions/<int:condition_id>/end/", charts.condition_end, name="condition_end"),
    path("patients/<uuid:pk>/history/", charts.patient_history, name="patient_history"),
    path("plans/<uuid:pk>/", courses.plan_detail, name="plan_detail"),
    path("plans/<uuid:pk>/stop/", courses.plan_stop, name="plan_stop"),
    path("plans/<uuid:pk>/resume/", courses.plan_resume, name="plan_resume"),
    path("sessions/<uuid:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<uuid:pk>/amend/", sessions.session_amend, name="session_amend"),
    path("sessions/<uuid:pk>/sign/", sessions.session_sign, name="session_sign"),
    path("sessions/<uuid:pk>/skip/", courses.session_skip, name="session_skip"),
]
