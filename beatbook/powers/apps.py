from django.apps import AppConfig


class PowersConfig(AppConfig):
    name = "beatbook.powers"
    label = "powers"
    verbose_name = "Designated powers"
