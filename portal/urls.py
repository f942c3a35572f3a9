from django.urls import path

from consents import portal_views
from portal import booking_views, views, waitlist_views

urlpatterns = [
    path("portal/", views.portal_home, name="portal"),
    path("portal/appointments/<uuid:pk>/cancel/", views.portal_cancel, name="portal_cancel"),
    path("portal/sessions/<uuid:pk>/book/", booking_views.book_session, name="portal_book"),
    path("portal/sessions/<uuid:pk>/waitlist/", waitlist_views.join_waitlist, name="portal_waitlist"),
    path("portal/sessions/<uuid:pk>/waitlist/leave/", waitlist_views.leave_waitlist, name="portal_waitlist_leave"),
    path("waitlist/offers/<str:token>/", waitlist_views.waitlist_offer, name="waitlist_offer"),
    path("portal/holds/<uuid:pk>/", booking_views.hold_detail, name="portal_hold"),
    path("portal/holds/<uuid:pk>/confirm/", booking_views.hold_confirm, name="portal_hold_confirm"),
    path("portal/holds/<uuid:pk>/release/", booking_views.hold_release, name="portal_hold_release"),
    path("portal/consents/", portal_views.consent_list, name="portal_consents"),
    path("portal/consents/<int:pk>/", portal_views.consent_sign, name="portal_consent_sign"),
    path("portal/questionnaire/", portal_views.questionnaire, name="portal_questionnaire"),
    path("portal/welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="portal_welcome"),
]
