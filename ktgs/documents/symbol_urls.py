from django.urls import path

from ktgs.documents import symbol_views as views

app_name = "issuer_symbols"

urlpatterns = [
    path("<str:code>/", views.symbols, name="list"),
    path("<str:code>/moi/", views.symbol_add, name="add"),
    path("dong/<int:pk>/ket-thuc/", views.symbol_end, name="end"),
]
