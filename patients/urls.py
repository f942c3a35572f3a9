from django.urls import path

from patients import portal, views

urlpatterns = [
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_new, name="patient_new"),
    path("patients/<uuid:pk>/", views.patient_chart, name="patient_chart"),
    path("patients/<uuid:pk>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<uuid:pk>/archive/", views.patient_archive, name="patient_archive"),
    path("patients/<uuid:pk>/restore/", views.patient_restore, name="patient_restore"),
    path("patients/<uuid:pk>/conditions/", views.condition_add, name="condition_add"),
    path("patients/<uuid:pk>/conditions/<int:condition_id>/end/", views.condition_end, name="condition_end"),
    path("patients/<uuid:pk>/invite/", views.patient_invite, name="patient_invite"),
    path("patients/<uuid:pk>/history/", views.patient_history, name="patient_history"),
    path("portal/", portal.portal_home, name="portal"),
    path("portal/appointments/<uuid:pk>/cancel/", portal.portal_cancel, name="portal_cancel"),
    path("portal/welcome/<uidb64>/<token>/", portal.WelcomeView.as_view(), name="portal_welcome"),
]
