from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "beatbook.recruitment"
    label = "recruitment"
    verbose_name = "Recruitment"
