"""Open data: anonymised street-level crimes as police.uk publishes them, and their import.

What belongs here:

* `SnapPoint`: an anonymous map point with a street name ("On or near Mill Road"). Published
  crimes are placed on these points, never on the place they happened. Its id is the police.uk
  `location.street.id` and the `location_id` of crimes-at-location.
* `PublicCrime` and `PublicOutcome`: one published, anonymised crime by month, with its outcomes.
  A row comes either from a Beatbook incident marked publishable (`incident`) or from an imported
  police.uk CSV (`crime_import`). It holds no name, address, description or exact point.
* `CrimeImport`: one uploaded police.uk `*-street.csv` file and how its import went (rows loaded,
  skipped and why), run as a background job.

Idempotence: every row has a `source_key`, unique per force. An incident's key is its UUID; an
imported row's key is a hash of the row's text and its occurrence number in the file, so
importing the same file twice adds nothing.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beatbook.org.models import Force, Neighbourhood


class SnapPoint(models.Model):
    """An anonymous map point of a force, with the street name the public sees."""

    class Source(models.TextChoices):
        IMPORT = "import", _("From an imported police.uk file")
        LOADED = "loaded", _("Loaded from a snap-point list")

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="snap_points")
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    name = models.CharField(_("street name"), max_length=200)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.IMPORT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["force", "id"]
        verbose_name = _("snap point")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["force", "lat", "lng", "name"], name="opendata_snap_point_unique"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["force", "lat", "lng"], name="opendata_snap_force_point"),
        ]

    def __str__(self) -> str:
        return self.name


class OutcomeCategory(models.TextChoices):
    """police.uk outcome categories: code and name, as the API gives them."""

    AWAITING_COURT_RESULT = "awaiting-court-result", _("Awaiting court outcome")
    COURT_RESULT_UNAVAILABLE = "court-result-unavailable", _("Court result unavailable")
    UNABLE_TO_PROCEED = "unable-to-proceed", _("Court case unable to proceed")
    LOCAL_RESOLUTION = "local-resolution", _("Local resolution")
    NO_FURTHER_ACTION = "no-further-action", _("Investigation complete; no suspect identified")
    DEPRIVED_OF_PROPERTY = "deprived-of-property", _("Offender deprived of property")
    FINED = "fined", _("Offender fined")
    ABSOLUTE_DISCHARGE = "absolute-discharge", _("Offender given absolute discharge")
    CAUTIONED = "cautioned", _("Offender given a caution")
    DRUGS_POSSESSION_WARNING = "drugs-possession-warning", _("Offender given a drugs possession warning")
    PENALTY_NOTICE_ISSUED = "penalty-notice-issued", _("Offender given a penalty notice")
    COMMUNITY_PENALTY = "community-penalty", _("Offender given community sentence")
    CONDITIONAL_DISCHARGE = "conditional-discharge", _("Offender given conditional discharge")
    SUSPENDED_SENTENCE = "suspended-sentence", _("Offender given suspended prison sentence")
    IMPRISONED = "imprisoned", _("Offender sent to prison")
    OTHER_COURT_DISPOSAL = "other-court-disposal", _("Offender otherwise dealt with")
    COMPENSATION = "compensation", _("Offender ordered to pay compensation")
    SENTENCED_IN_ANOTHER_CASE = "sentenced-in-another-case", _("Suspect charged as part of another case")
    CHARGED = "charged", _("Suspect charged")
    NOT_GUILTY = "not-guilty", _("Defendant found not guilty")
    SENT_TO_CROWN_COURT = "sent-to-crown-court", _("Defendant sent to Crown Court")
    UNABLE_TO_PROSECUTE = "unable-to-prosecute", _("Unable to prosecute suspect")
    FORMAL_ACTION_NOT_IN_PUBLIC_INTEREST = (
        "formal-action-not-in-public-interest",
        _("Formal action is not in the public interest"),
    )
    ACTION_TAKEN_BY_ANOTHER_ORGANISATION = (
        "action-taken-by-another-organisation",
        _("Action to be taken by another organisation"),
    )
    FURTHER_INVESTIGATION_NOT_IN_PUBLIC_INTEREST = (
        "further-investigation-not-in-public-interest",
        _("Further investigation is not in the public interest"),
    )
    FURTHER_ACTION_NOT_IN_PUBLIC_INTEREST = (
        "further-action-not-in-public-interest",
        _("Further action is not in the public interest"),
    )
    UNDER_INVESTIGATION = "under-investigation", _("Under investigation")
    STATUS_UPDATE_UNAVAILABLE = "status-update-unavailable", _("Status update unavailable")


class CrimeImport(models.Model):
    """One police.uk street-level CSV file uploaded for a force, and the result of importing it.

    `problems` lists the rows skipped as `{"line": n, "reason": "..."}` (the first 1,000; the
    counts are exact). The file itself is kept (`content`) so that the import can be rerun and
    checked; it holds only what police.uk already publishes.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="crime_imports")
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    content = models.BinaryField(editable=False)
    job = models.ForeignKey("jobs.Job", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_loaded = models.PositiveIntegerField(default=0)
    rows_already_loaded = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("crime import")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["force", "-created_at"], name="opendata_import_force_time"),
        ]

    def __str__(self) -> str:
        return self.filename


class PublicCrime(models.Model):
    """One published, anonymised street-level crime (or ASB incident) for a month.

    `lat`/`lng` are the snap point's, copied so that radius and polygon queries filter on an
    index without a join; both are null for a crime with no location. `month` is the first day
    of the month.
    """

    class Source(models.TextChoices):
        INCIDENT = "incident", _("Beatbook incident")
        IMPORT = "import", _("Imported police.uk file")

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="public_crimes")
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, null=True, blank=True, related_name="public_crimes"
    )
    month = models.DateField(_("month"))
    category = models.CharField(_("category"), max_length=40)
    persistent_id = models.CharField(_("crime id"), max_length=64, blank=True)
    snap_point = models.ForeignKey(SnapPoint, on_delete=models.PROTECT, null=True, blank=True, related_name="crimes")
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    location_subtype = models.CharField(max_length=40, blank=True)
    context = models.TextField(blank=True)
    outcome = models.CharField(_("last outcome"), max_length=60, choices=OutcomeCategory.choices, blank=True)
    outcome_month = models.DateField(null=True, blank=True)
    lsoa_code = models.CharField(_("LSOA code"), max_length=12, blank=True)
    lsoa_name = models.CharField(_("LSOA name"), max_length=120, blank=True)
    reported_by = models.CharField(max_length=120, blank=True)
    falls_within = models.CharField(max_length=120, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    source_key = models.CharField(max_length=64)
    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="public_crime"
    )
    crime_import = models.ForeignKey(CrimeImport, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "id"]
        verbose_name = _("public crime")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["force", "source_key"], name="opendata_crime_source_key"),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lng__isnull=True, snap_point__isnull=True)
                | Q(lat__isnull=False, lng__isnull=False, snap_point__isnull=False),
                name="opendata_crime_point_from_snap",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            # crimes-street: one month, a box of latitudes (then longitudes) around the query.
            models.Index(fields=["month", "lat", "lng"], name="opendata_crime_month_point"),
            models.Index(fields=["snap_point", "month"], name="opendata_crime_snap_month"),
            models.Index(fields=["force", "month", "category"], name="opendata_crime_force_month"),
            models.Index(fields=["persistent_id"], name="opendata_crime_pid", condition=~Q(persistent_id="")),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.month:%Y-%m}"


class PublicOutcome(models.Model):
    """One outcome in a published crime's history (outcomes-for-crime)."""

    crime = models.ForeignKey(PublicCrime, on_delete=models.CASCADE, related_name="outcomes")
    category = models.CharField(max_length=60, choices=OutcomeCategory.choices)
    month = models.DateField()
    person_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["crime", "month", "id"]
        verbose_name = _("public outcome")
        indexes: ClassVar[list[models.Index]] = [
            # outcomes-at-location: one month's outcomes, joined to their crimes.
            models.Index(fields=["month", "crime"], name="opendata_outcome_month"),
        ]

    def __str__(self) -> str:
        return f"{self.crime_id}: {self.category}"


class PublishedMonth(models.Model):
    """A month for which a force has published crimes, with how many. Kept up to date by the
    services that import and publish (in the same transaction as the rows), so that the list of
    months (crimes-street-dates) and the latest month are read without scanning the crimes."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="published_months")
    month = models.DateField()
    crime_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "force"]
        verbose_name = _("published month")
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["force", "month"], name="opendata_published_month_unique"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["-month"], name="opendata_published_month"),
        ]

    def __str__(self) -> str:
        return f"{self.force_id} {self.month:%Y-%m}"
