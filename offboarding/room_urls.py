"""The handover room's public pages (no login): see offboarding.views.room_public."""

from django.urls import path

from .views import room_public as views

app_name = "room"
urlpatterns = [
    # The inner pages first: "room" is never a token (tokens are 43 characters).
    path("handover/room/", views.inside, name="inside"),
    path("handover/room/logins/<int:login_pk>/reveal/", views.reveal, name="reveal"),
    path("handover/room/logins/<int:login_pk>/changed/", views.changed, name="changed"),
    path("handover/room/documents/<str:kind>/", views.download, name="download"),
    path("handover/room/acknowledge/", views.acknowledge, name="acknowledge"),
    path("handover/room/leave/", views.leave, name="leave"),
    path("handover/<str:token>/", views.landing, name="landing"),
]
