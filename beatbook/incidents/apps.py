from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "beatbook.incidents"
    label = "incidents"
    verbose_name = "Incidents and ASB"
