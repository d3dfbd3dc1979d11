from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "beatbook.enforcement"
    label = "enforcement"
    verbose_name = "Enforcement"

    def ready(self) -> None:
        from beatbook.org import policy

        from .models import DispersalAuthorisation, EnforcementRecord
        from .selectors import common

        policy.register_visibility(EnforcementRecord, common.records_visible_to)
        policy.register_visibility(DispersalAuthorisation, common.authorisations_visible_to)
