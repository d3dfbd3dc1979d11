from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "beatbook.learning"
    label = "learning"
    verbose_name = "Learning and training"
