from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "beatbook.org"
    label = "org"
    verbose_name = "Organisation"
