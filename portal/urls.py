from django.urls import path

from portal import views

urlpatterns = [
    path("portal/", views.portal_home, name="portal"),
    path("portal/appointments/<uuid:pk>/cancel/", views.portal_cancel, name="portal_cancel"),
    path("portal/welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="portal_welcome"),
]
