from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "beatbook.audit"
    label = "audit"
    verbose_name = "Audit trail"
