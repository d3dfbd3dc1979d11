from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "beatbook.community"
    label = "community"
    verbose_name = "Community engagement"

    def ready(self) -> None:
        from beatbook.org import policy

        from .models import EngagementEvent, Priority
        from .selectors import events, priorities

        policy.register_visibility(EngagementEvent, events.events_visible_to)
        policy.register_visibility(Priority, priorities.priorities_visible_to)
