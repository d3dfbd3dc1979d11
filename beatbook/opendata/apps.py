from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "beatbook.opendata"
    label = "opendata"
    verbose_name = "Open data"
