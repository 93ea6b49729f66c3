from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Bringing data in and out: the interchange format (XLSX/CSV), `ktgs import`, `ktgs export`."""

    name = "ktgs.exchange"
    label = "exchange"
