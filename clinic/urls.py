from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from clinic import languages, views
from clinic.forms import AdminSignInForm, SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("language/", languages.choose_language, name="choose_language"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("patients.urls")),
    path("", include("messaging.urls")),
    path("", include("treatments.urls")),
    path("", include("scheduling.urls")),
    path("", include("consents.urls")),
    path("", include("workday.urls")),
    path("", include("portal.urls")),
    path("", include("consents.intake_urls")),
    path("kiosk/", include("consents.kiosk_urls")),
    path("admin/", admin.site.urls),
]

handler500 = "clinic.views.server_error"

admin.site.site_header = _("Mesoplan administration")
admin.site.login_form = AdminSignInForm
admin.site.site_title = "Mesoplan"
