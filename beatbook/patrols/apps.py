from django.apps import AppConfig


class PatrolsConfig(AppConfig):
    name = "beatbook.patrols"
    label = "patrols"
    verbose_name = "Patrols and hot-spot plans"

    def ready(self) -> None:
        from beatbook.org import policy

        from . import selectors
        from .models import HotspotPlan, Patrol

        policy.register_visibility(Patrol, selectors.patrols_visible_to)
        policy.register_visibility(HotspotPlan, selectors.plans_visible_to)
