from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "beatbook.jobs"
    label = "jobs"
