"""The demo's open data (`beatbook.demo.opendata.seed_opendata`) on the demo organisation with a
few publishable incidents: snap points in every demo force, the sample file imported into
Cambridgeshire through its job, and the last two whole months published through theirs."""

from __future__ import annotations

import datetime as dt

import pytest

from beatbook.demo import seeding
from beatbook.demo.opendata import seed_opendata
from beatbook.incidents import services as incident_services
from beatbook.incidents.tests.factories import incident_data
from beatbook.jobs.models import Job
from beatbook.opendata.models import CrimeImport, PublicCrime, PublishedMonth, SnapPoint
from beatbook.org.models import Force, Neighbourhood, Person

from .staff_builders import in_month, last_month

pytestmark = pytest.mark.django_db


def test_seed_opendata() -> None:
    seeding.seed_world()
    month = last_month()
    pcso = Person.objects.get(username="pcso")
    centre = Neighbourhood.objects.get(force__slug="cambridgeshire", code="CB01")
    for publishable in (True, True, False):
        incident_services.incident_create(
            actor=pcso,
            data=incident_data(
                occurred_at=in_month(month), lat=centre.centre_lat, lng=centre.centre_lng, is_publishable=publishable
            ),
        )
    end = (month + dt.timedelta(days=40)).replace(day=1)
    report = seed_opendata(end=end)
    assert report.months == (f"{(month - dt.timedelta(days=1)):%Y-%m}", f"{month:%Y-%m}")
    for force in Force.objects.all():
        assert SnapPoint.objects.filter(force=force, source=SnapPoint.Source.LOADED).count() > 50
    assert report.rows_imported == 300 and report.rows_skipped == 0
    crime_import = CrimeImport.objects.select_related("job", "uploaded_by").get()
    assert crime_import.status == CrimeImport.Status.SUCCEEDED and crime_import.uploaded_by.username == "forceadmin"
    assert report.published == {"cambridgeshire": 2, "cumbria": 0, "derbyshire": 0} and report.no_location == 0
    published = PublicCrime.objects.filter(source=PublicCrime.Source.INCIDENT)
    assert published.count() == 2 and all(c.snap_point_id is not None for c in published)
    assert Job.objects.filter(status=Job.Status.SUCCEEDED).count() == 1 + 2 * 3
    assert PublishedMonth.objects.get(force__slug="cambridgeshire", month=month).crime_count == 2
