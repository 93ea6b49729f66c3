from django.urls import include, path

from ktgs.orgs.views import home

# "home" shows the bloc at a glance, read from orgs; it is wired here because ktgs.core may not
# import a domain app. It moves to the reports app once that exists.
urlpatterns = [
    path("", home, name="home"),
    path("", include("ktgs.core.urls")),
    path("", include("ktgs.accounts.urls")),
    path("", include("ktgs.orgs.urls")),
    path("", include("ktgs.documents.urls")),
    path("nhat-ky/", include("ktgs.audit.urls")),
    path("", include("ktgs.exchange.urls")),
    path("chuong-trinh/", include("ktgs.programmes.urls")),
    path("kiem-tra/", include("ktgs.inspections.urls")),
    path("so-lieu/", include("ktgs.inspections.counting_urls")),
    path("ky-luat/vu-viec/", include("ktgs.discipline.case_urls")),
    path("ky-luat/dinh-chi/", include("ktgs.discipline.suspension_urls")),
    path("ky-luat/", include("ktgs.discipline.urls")),
    path("quy-tac/", include("ktgs.rules.urls")),
]

# A data folder that is read-only or a full disk gets a Vietnamese 503 naming it; any other error
# Django's 500 page (ktgs/core/diskfaults.py).
handler500 = "ktgs.core.diskfaults.server_error"
