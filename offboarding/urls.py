from django.urls import path

from . import views

app_name = "offboarding"
urlpatterns = [
    path("offboardings/", views.case_list, name="list"),
    path("approvals/", views.approvals, name="approvals"),
]
