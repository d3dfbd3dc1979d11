from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "beatbook.enforcement"
    label = "enforcement"
    verbose_name = "Enforcement"
