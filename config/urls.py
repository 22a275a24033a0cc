from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from agency import views as agency_views
from agency.forms import LoginForm
from offboarding.views import cases as case_views

urlpatterns = [
    path("", case_views.dashboard, name="dashboard"),
    path("healthz", agency_views.healthz, name="healthz"),
    path(
        "accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/language/", agency_views.language_switch, name="language_switch"),
    path("accounts/calendar/", agency_views.calendar_settings, name="calendar_feed"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("", include("clients.urls")),
    path("", include("offboarding.urls")),
    # The handover room: the client's pages, without login.
    path("", include("offboarding.room_urls")),
    # A person's calendar feed, for calendar applications (the token opens it).
    path("", include("offboarding.feed_urls")),
]
# MEDIA_ROOT is deliberately not routed: private files are served by permission-checked views.
