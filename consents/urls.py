from django.urls import path

from consents import views

urlpatterns = [
    path("patients/<uuid:pk>/consents/paper/", views.paper_consent, name="consent_paper"),
    path("consents/<uuid:pk>/withdraw/", views.withdraw_consent, name="consent_withdraw"),
    path("consents/<uuid:pk>.pdf", views.consent_document, name="consent_document"),
    path("portal/consents/<uuid:pk>.pdf", views.portal_consent_document, name="portal_consent_document"),
    path("portal/consents/<uuid:pk>/withdraw/", views.portal_withdraw_consent, name="portal_consent_withdraw"),
]
