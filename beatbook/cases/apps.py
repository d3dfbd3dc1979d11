from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "beatbook.cases"
    label = "cases"
    verbose_name = "Multi-agency ASB cases"

    def ready(self) -> None:
        from beatbook.org import policy

        from . import selectors
        from .models import AsbCase, SharingAgreement

        policy.register_visibility(AsbCase, selectors.cases_visible_to)
        policy.register_visibility(SharingAgreement, selectors.agreements_visible_to)
