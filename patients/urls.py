from django.urls import path

from patients import views

urlpatterns = [
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/<uuid:pk>/archive/", views.patient_archive, name="patient_archive"),
    path("patients/<uuid:pk>/restore/", views.patient_restore, name="patient_restore"),
    path("patients/<uuid:pk>/invite/", views.patient_invite, name="patient_invite"),
]
