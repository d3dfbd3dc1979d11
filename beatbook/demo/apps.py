from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "beatbook.demo"
    label = "demo"
