# Shared pages that read no domain app go here. "home" reads orgs, so config/urls.py wires it.
urlpatterns: list = []
