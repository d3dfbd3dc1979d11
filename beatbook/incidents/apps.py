from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "beatbook.incidents"
    label = "incidents"
    verbose_name = "Incidents and ASB"

    def ready(self) -> None:
        from beatbook.org import policy

        from . import selectors
        from .models import Incident

        policy.register_visibility(Incident, selectors.incidents_visible_to)
