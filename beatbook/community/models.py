"""Community engagement: events, neighbourhood priorities ("you said, we did") and what a force
chooses to publish about its neighbourhoods and people.

What belongs here:

* `EngagementEvent`: a meeting, surgery, school visit... planned and then recorded (attendance,
  issues raised, follow-ups). Only events marked public ever reach the public page or API.
* `Priority` and `PriorityAction`: a neighbourhood priority set from an issue the public raised
  (linked back to the event), the actions taken, its status and review date. Only published
  priorities, and of those only their public actions, reach the public.
* `CommunitySettings`, `NeighbourhoodPage` and `PublicProfile`: the force's publication choices
  (review period, engagement channels, each neighbourhood's public contact details, which people
  are named publicly and how). Nothing is public unless one of these rows says so.

Writes go through `services/`; what the public may see is decided in one place,
`selectors/public.py`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Force, Neighbourhood


class EventKind(models.TextChoices):
    PUBLIC_MEETING = "public_meeting", _("Public meeting")
    BEAT_SURGERY = "beat_surgery", _("Street or beat surgery")
    SCHOOL_VISIT = "school_visit", _("School visit")
    YOUTH_GROUP = "youth_group", _("Youth group")
    NEIGHBOURHOOD_WATCH = "neighbourhood_watch", _("Neighbourhood Watch meeting")
    COMMUNITY_LED = "community_led", _("Community-led event")
    PARTNER_MEETING = "partner_meeting", _("Partner meeting")
    ONLINE = "online", _("Online session")


# The police.uk event `type` for each kind (police.uk uses short words such as "meeting").
POLICEUK_EVENT_TYPE: dict[str, str] = {
    EventKind.PUBLIC_MEETING: "meeting",
    EventKind.BEAT_SURGERY: "surgery",
    EventKind.SCHOOL_VISIT: "school",
    EventKind.YOUTH_GROUP: "youth",
    EventKind.NEIGHBOURHOOD_WATCH: "meeting",
    EventKind.COMMUNITY_LED: "community",
    EventKind.PARTNER_MEETING: "meeting",
    EventKind.ONLINE: "online",
}


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class EngagementEvent(models.Model):
    """One engagement event in a neighbourhood: planned with place and times, then recorded.

    `description`, `title`, `address` and the times are what the public sees when `is_public`;
    `issues_raised` (one issue per line), `follow_ups` and `notes` are internal.
    """

    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="engagement_events")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="engagement_events")
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("public description"), blank=True)
    address = models.CharField(_("place"), max_length=200)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_public = models.BooleanField(_("public event"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=EventStatus.choices, default=EventStatus.PLANNED)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="engagement_events", blank=True, verbose_name=_("officers attending")
    )
    attendance = models.PositiveIntegerField(_("people attending"), null=True, blank=True)
    issues_raised = models.TextField(_("issues raised (one per line)"), blank=True)
    follow_ups = models.TextField(_("follow-ups"), blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    cancelled_reason = models.TextField(_("why it was cancelled"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("engagement event")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="community_event_times_in_order"),
            models.CheckConstraint(
                condition=Q(attendance__isnull=True) | Q(status=EventStatus.HELD),
                name="community_event_attendance_only_when_held",
            ),
            models.CheckConstraint(
                condition=~Q(status=EventStatus.CANCELLED) | ~Q(cancelled_reason=""),
                name="community_event_cancel_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lng__isnull=True) | Q(lat__isnull=False, lng__isnull=False),
                name="community_event_point_whole",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["neighbourhood", "starts_at"], name="community_event_area_time"),
            models.Index(fields=["force", "starts_at"], name="community_event_force_time"),
        ]

    def __str__(self) -> str:
        return self.reference or str(_("New engagement event"))

    @property
    def issue_lines(self) -> list[str]:
        return [line.strip() for line in self.issues_raised.splitlines() if line.strip()]

    @property
    def policeuk_type(self) -> str:
        return POLICEUK_EVENT_TYPE.get(self.kind, "meeting")


class PriorityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Priority(models.Model):
    """A neighbourhood priority: the issue the public raised ("you said"), when it was set, who
    owns it, the review date and the actions taken ("we did").

    `last_update_on` is the date of the latest action (or the date set): a priority still open
    whose last update is older than the force's review period is flagged to its owner and the
    neighbourhood's supervisors.
    """

    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="priorities")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="priorities")
    issue = models.TextField(_("the issue (you said)"))
    set_on = models.DateField(_("date set"))
    source_event = models.ForeignKey(
        EngagementEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="priorities",
        verbose_name=_("raised at"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="priorities_owned", verbose_name=_("owner")
    )
    status = models.CharField(_("status"), max_length=12, choices=PriorityStatus.choices, default=PriorityStatus.OPEN)
    status_reason = models.TextField(_("outcome or reason"), blank=True)
    review_on = models.DateField(_("review date"))
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_update_on = models.DateField(_("last update"), editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-set_on", "-id"]
        verbose_name = _("neighbourhood priority")
        verbose_name_plural = _("neighbourhood priorities")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=Q(review_on__gte=F("set_on")), name="community_priority_review_after_set"),
            models.CheckConstraint(
                condition=Q(last_update_on__gte=F("set_on")), name="community_priority_update_after_set"
            ),
            models.CheckConstraint(
                condition=Q(status=PriorityStatus.OPEN) | ~Q(status_reason=""),
                name="community_priority_closed_needs_reason",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["neighbourhood", "status", "-set_on"], name="community_priority_area"),
            models.Index(fields=["status", "last_update_on"], name="community_priority_stale"),
        ]

    def __str__(self) -> str:
        return self.reference or str(_("New priority"))


class PriorityAction(models.Model):
    """An action taken on a priority ("we did"), with its date. Internal actions (`is_public`
    false) never reach the public, even on a published priority."""

    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="actions")
    taken_on = models.DateField(_("date taken"))
    text = models.TextField(_("what was done"))
    is_public = models.BooleanField(_("publish this action"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_on", "-id"]
        verbose_name = _("priority action")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["priority", "-taken_on"], name="community_action_priority"),
        ]

    def __str__(self) -> str:
        return f"{self.priority}: {self.taken_on:%Y-%m-%d}"


# police.uk contact_details keys (see the public API's wire format); values are strings.
CONTACT_KEYS: tuple[str, ...] = (
    "email",
    "telephone",
    "mobile",
    "fax",
    "web",
    "address",
    "facebook",
    "twitter",
    "youtube",
    "myspace",
    "bebo",
    "flickr",
    "google-plus",
    "forum",
    "e-messaging",
    "blog",
    "rss",
)


class CommunitySettings(models.Model):
    """A force's community and publication settings: how long a priority may go without an
    update before it is flagged, and the force's public engagement channels
    (a list of `{"type", "title", "url", "description"}`)."""

    force = models.OneToOneField(Force, on_delete=models.PROTECT, related_name="community_settings")
    priority_review_days = models.PositiveSmallIntegerField(_("priority review period (days)"), default=90)
    engagement_methods = models.JSONField(_("engagement channels"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("community settings")
        verbose_name_plural = _("community settings")
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(priority_review_days__gte=7, priority_review_days__lte=365),
                name="community_settings_review_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force}: community settings"


class NeighbourhoodPage(models.Model):
    """What a force publishes about one neighbourhood. Without a row, or with `is_published`
    false, the neighbourhood has no public page and is absent from the public API.

    `contact_details` maps police.uk keys (`CONTACT_KEYS`) to strings; `links` is a list of
    `{"url", "title", "description"}`; `locations` a list of `{"name", "address", "postcode",
    "type", "description", "latitude", "longitude"}` (police stations and the like).
    """

    neighbourhood = models.OneToOneField(Neighbourhood, on_delete=models.PROTECT, related_name="public_page")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    is_published = models.BooleanField(_("published"), default=False)
    url_force = models.URLField(_("page on the force website"), blank=True)
    welcome_message = models.TextField(_("welcome message"), blank=True)
    contact_details = models.JSONField(_("contact details"), default=dict, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    locations = models.JSONField(_("locations"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("neighbourhood page")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["force", "is_published"], name="community_page_force"),
        ]

    def __str__(self) -> str:
        return f"{self.neighbourhood}: public page"


class PublicProfile(models.Model):
    """How a person appears publicly, if at all. Only a profile with `is_published` names the
    person on a neighbourhood page (for the teams they are posted to) or, with `is_senior`, among
    the force's senior officers. `public_name` is what the force chose to publish (it may differ
    from the account's name, e.g. "PCSO Sam")."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="public_profile")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    is_published = models.BooleanField(_("published"), default=False)
    is_senior = models.BooleanField(_("senior officer"), default=False)
    public_name = models.CharField(_("public name"), max_length=120)
    rank = models.CharField(_("public rank or role"), max_length=60)
    bio = models.TextField(_("biography"), blank=True)
    contact_details = models.JSONField(_("contact details"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["public_name", "id"]
        verbose_name = _("public profile")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["force", "is_published", "is_senior"], name="community_profile_force"),
        ]

    def __str__(self) -> str:
        return f"{self.public_name} ({self.rank})"
