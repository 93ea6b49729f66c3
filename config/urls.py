from django.urls import include, path

urlpatterns = [
    path("", include("ktgs.core.urls")),
    path("", include("ktgs.accounts.urls")),
    path("", include("ktgs.orgs.urls")),
]
