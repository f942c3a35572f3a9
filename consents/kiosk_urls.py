from django.urls import path

from consents import kiosk_views

app_name = "kiosk"

urlpatterns = [
    path("", kiosk_views.screen, name="screen"),
    path("open/", kiosk_views.open_kiosk, name="open"),
    path("unlock/", kiosk_views.unlock, name="unlock"),
    path("<str:token>/sign/", kiosk_views.sign, name="sign"),
    path("<str:token>/questionnaire/", kiosk_views.answer, name="answer"),
]
