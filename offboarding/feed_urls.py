"""A person's calendar feed, opened by the token in its address (no login)."""

from django.urls import path

from .views import calendar

app_name = "feed"
urlpatterns = [path("calendar/<str:token>.ics", calendar.feed, name="ics")]
