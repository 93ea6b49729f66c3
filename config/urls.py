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
    path("bao-cao/", include("ktgs.reports.urls")),
    path("don-thu/", include("ktgs.letters.urls")),
    path("nop-bao-cao/", include("ktgs.submissions.urls")),
    path("quan-tri/ky-hieu/", include("ktgs.documents.symbol_urls")),
    path("quan-tri/", include("ktgs.accounts.admin_urls")),
]
# A write that met an import's write lock in a middleware (a session saved): the 503 page; a
# read-only data folder or a full disk: a Vietnamese 503 naming it (ktgs/core/diskfaults.py);
# any other error: Django's 500 page.
handler500 = "ktgs.core.busy.server_error"
