from django.urls import path

from messaging import views

urlpatterns = [
    path("messages/opt-out/<str:token>/", views.opt_out, name="messages_opt_out"),
    path("patients/<uuid:pk>/channels/", views.channel_choices, name="patient_channel_choices"),
]
