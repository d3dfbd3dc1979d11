"""The demo incidents: deterministic, inside their neighbourhoods, believable, recorded by the
people who work there, and with open alerts on the demo PCSO's home page.

Seeding incidents takes tens of seconds, so the package seeds once (`seeded` in conftest.py, shared
with test_cases.py), with a fixed end date.
Determinism is checked against the seed's plan (cheap to make again): the plan must come out the
same each time, and what was recorded must be exactly the plan.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from beatbook.audit.chain import verify
from beatbook.audit.models import AuditEvent, EventType
from beatbook.core import geo
from beatbook.core.timeutil import today
from beatbook.demo.incidents import HOT_SPOT_SPREAD_M, IncidentSeedReport, _ForceIncidents, seed_incidents
from beatbook.demo.patrols import PATROL_DAYS
from beatbook.demo.tests.conftest import END, SEED
from beatbook.demo.world import FORCES
from beatbook.incidents import selectors
from beatbook.incidents.models import Alert, AlertKind, Incident, IncidentPerson, Involvement, Status
from beatbook.incidents.reference import AsbQualifier, Category
from beatbook.incidents.repeats import months_before
from beatbook.org import policy
from beatbook.org.models import Force, Person

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def planned(force: Force, seed: int) -> _ForceIncidents:
    """The force's incidents as the seed plans them, before recording (no writes)."""
    staff = frozenset(Person.objects.values_list("display_name", flat=True))
    builder = _ForceIncidents(force, random.Random(f"{seed}:incidents:{force.slug}"), END, staff)
    builder._plan()
    return builder


def expected(force: Force, seed: int) -> list[tuple[Any, ...]]:
    """What the plan says each incident will be, in the order they are recorded, with the
    reference each gets (numbered per force and year)."""
    numbers: Counter[int] = Counter()
    rows = []
    for plan in sorted(planned(force, seed).plans, key=lambda p: (p.occurred_at, p.order)):
        year = plan.occurred_at.year
        numbers[year] += 1
        rows.append(
            (
                f"{force.short_code}-INC-{year}-{numbers[year]:06d}",
                plan.occurred_at,
                plan.data.category,
                plan.data.asb_qualifier,
                plan.data.asb_type,
                plan.data.lat,
                plan.data.lng,
                plan.data.location_text,
                plan.recorder.username,
                plan.steps[-1][0] if plan.steps else Status.OPEN,
                sorted(p.name for p in plan.people),
            )
        )
    return rows


def recorded(force: Force) -> list[tuple[Any, ...]]:
    return [
        (
            i.reference,
            i.occurred_at,
            i.category,
            i.asb_qualifier,
            i.asb_type,
            i.lat,
            i.lng,
            i.location_text,
            i.created_by.username,
            i.status,
            sorted(p.name for p in i.people.all()),
        )
        for i in Incident.objects.filter(force=force)
        .select_related("created_by")
        .prefetch_related("people")
        .order_by("occurred_at", "reference")
    ]


def start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


class DeterminismTests:
    def test_the_same_seed_and_end_give_the_same_incidents_and_references(self, seeded: IncidentSeedReport) -> None:
        """The plan is the same every time, and what was recorded is exactly the plan: the same
        references, times, categories, points, recorders, statuses and people."""
        for force in Force.objects.all():
            plan = expected(force, SEED)
            assert plan == expected(force, SEED)
            assert recorded(force) == plan

    def test_another_seed_plans_other_incidents(self, seeded: IncidentSeedReport) -> None:
        force = Force.objects.get(slug="cumbria")
        assert [row[1:7] for row in expected(force, SEED)] != [row[1:7] for row in expected(force, SEED + 1)]

    def test_the_end_date_must_not_be_in_the_future(self, seeded: IncidentSeedReport) -> None:
        with pytest.raises(ValueError, match="future"):
            seed_incidents(seed=SEED, end=today() + dt.timedelta(days=2))
        with pytest.raises(ValueError, match="already have incidents"):
            seed_incidents(seed=SEED, end=END)


class VolumeAndPlaceTests:
    def test_a_few_hundred_incidents_per_force_over_the_year(self, seeded: IncidentSeedReport) -> None:
        counts = Counter(Incident.objects.values_list("force__slug", flat=True))
        assert dict(counts) == seeded.per_force
        assert set(counts) == {spec.slug for spec in FORCES}
        assert all(300 <= count <= 500 for count in counts.values()), counts
        first, last = Incident.objects.order_by("occurred_at").first(), Incident.objects.order_by("occurred_at").last()
        assert first is not None and last is not None
        assert first.occurred_at >= start_of(END - dt.timedelta(days=365))
        assert last.occurred_at < start_of(END)  # the end day itself is left out: all in the past
        assert last.occurred_at >= start_of(END - dt.timedelta(days=2))

    def test_every_incident_lies_inside_its_neighbourhood(self, seeded: IncidentSeedReport) -> None:
        for incident in Incident.objects.select_related("neighbourhood"):
            assert incident.neighbourhood.force_id == incident.force_id
            assert geo.contains(incident.neighbourhood.boundary, incident.lat, incident.lng), incident

    def test_most_incidents_cluster_within_40_m_of_a_few_hot_spots(self, seeded: IncidentSeedReport) -> None:
        for force in Force.objects.all():
            builder = planned(force, SEED)
            at_hot_spot = 0
            for plan in builder.plans:
                spots = [plan.area.latlng(h.x, h.y) for h in plan.area.hot_spots]
                assert 2 <= len(spots) <= 4
                point = (plan.data.lat or 0, plan.data.lng or 0)
                at_hot_spot += any(s and geo.distance_m(*s, *point) <= HOT_SPOT_SPREAD_M + 0.5 for s in spots)
            assert at_hot_spot > 0.55 * len(builder.plans), force


class WhatHappenedTests:
    def test_the_category_mix_is_mostly_asb_with_qualifier_and_type(self, seeded: IncidentSeedReport) -> None:
        categories = Counter(Incident.objects.values_list("category", flat=True))
        total = sum(categories.values())
        assert categories.most_common(1)[0][0] == Category.ANTI_SOCIAL_BEHAVIOUR
        assert 0.3 <= categories[Category.ANTI_SOCIAL_BEHAVIOUR] / total <= 0.55
        for category in (
            Category.CRIMINAL_DAMAGE_ARSON,
            Category.PUBLIC_ORDER,
            Category.OTHER_THEFT,
            Category.SHOPLIFTING,
            Category.DRUGS,
            Category.BICYCLE_THEFT,
            Category.VEHICLE_CRIME,
            Category.VIOLENT_CRIME,
        ):
            assert categories[category] >= 10, category
        asb = Incident.objects.filter(category=Category.ANTI_SOCIAL_BEHAVIOUR)
        assert not asb.filter(asb_qualifier="").exists()
        assert not asb.filter(asb_type="").exists()
        assert set(asb.values_list("asb_qualifier", flat=True)) == set(AsbQualifier.values)
        assert len(set(asb.values_list("asb_type", flat=True))) >= 10
        others = Incident.objects.exclude(category=Category.ANTI_SOCIAL_BEHAVIOUR)
        assert not others.exclude(asb_qualifier="", asb_type="").exists()

    def test_evenings_and_weekends_are_busier(self, seeded: IncidentSeedReport) -> None:
        times = [t.astimezone(LONDON) for t in Incident.objects.values_list("occurred_at", flat=True)]
        hours = Counter(t.hour for t in times)
        assert sum(hours[h] for h in range(18, 24)) > 2 * sum(hours[h] for h in range(6, 12))
        days = Counter(t.weekday() for t in times)
        assert min(days[4], days[5]) > max(days[0], days[1], days[2])

    def test_thrive_is_mostly_low(self, seeded: IncidentSeedReport) -> None:
        levels = Counter(Incident.objects.values_list("risk_level", flat=True))
        total = sum(levels.values())
        assert levels["low"] / total > 0.6
        assert levels["medium"] > 0 and levels["high"] > 0

    def test_old_incidents_are_closed_and_recent_ones_open(self, seeded: IncidentSeedReport) -> None:
        old = Incident.objects.filter(occurred_at__lt=start_of(END - dt.timedelta(days=29)))
        assert set(old.values_list("status", flat=True)) == {Status.CLOSED}
        assert not Incident.objects.filter(status=Status.CLOSED, outcome="").exists()
        last_days = Incident.objects.filter(occurred_at__gte=start_of(END - dt.timedelta(days=3)))
        assert set(last_days.values_list("status", flat=True)) <= {Status.OPEN, Status.ATTENDED}
        recent = Incident.objects.filter(occurred_at__gte=start_of(END - dt.timedelta(days=28)))
        assert {Status.OPEN, Status.ATTENDED, Status.RESOLVED} <= set(recent.values_list("status", flat=True))

    def test_the_people_involved(self, seeded: IncidentSeedReport) -> None:
        people = IncidentPerson.objects.all()
        assert people.filter(involvement=Involvement.VICTIM, is_vulnerable=True).count() >= 20
        unknown = people.filter(is_unknown=True)
        assert unknown.count() >= 50
        assert not unknown.filter(description="").exists()
        assert {Involvement.VICTIM, Involvement.SUSPECT, Involvement.WITNESS, Involvement.REPORTING_PERSON} == set(
            people.values_list("involvement", flat=True)
        )
        staff = set(Person.objects.values_list("display_name", flat=True))
        assert not staff & set(people.exclude(name="").values_list("name", flat=True))


class WhoRecordedTests:
    def test_each_incident_was_recorded_by_someone_who_works_there(self, seeded: IncidentSeedReport) -> None:
        recorders = {}
        for incident in Incident.objects.select_related("created_by"):
            person = incident.created_by
            if person.pk not in recorders:
                recorders[person.pk] = set(
                    policy.neighbourhoods_for(person, policy.Action.RECORD_INCIDENT).values_list("pk", flat=True)
                )
            assert not person.is_system
            assert incident.neighbourhood_id in recorders[person.pk], incident

    def test_every_write_is_audited_and_the_chain_verifies(self, seeded: IncidentSeedReport) -> None:
        events = Counter(AuditEvent.objects.values_list("event_type", flat=True))
        assert events[EventType.INCIDENT_CREATED] == Incident.objects.count()
        changes = sum(version - 1 for version in Incident.objects.values_list("version", flat=True))
        assert events[EventType.INCIDENT_STATUS_CHANGED] == changes
        assert events[EventType.ALERT_RAISED] == Alert.objects.count()
        assert events[EventType.ALERT_ACKNOWLEDGED] == Alert.objects.filter(acknowledged_at__isnull=False).count()
        report = verify()
        assert report.ok, report.broken


class AlertTests:
    def test_the_pcso_home_page_has_open_trigger_and_repeat_alerts(self, seeded: IncidentSeedReport) -> None:
        pcso = Person.objects.get(username="pcso")
        alerts = list(selectors.alerts_open_for(pcso))
        assert {alert.neighbourhood.name for alert in alerts} == {"Cambridge City Centre"}
        kinds = Counter(alert.kind for alert in alerts)
        assert kinds[AlertKind.COMMUNITY_TRIGGER] == 1
        assert kinds[AlertKind.REPEAT_VICTIM] >= 1
        assert kinds[AlertKind.REPEAT_LOCATION] >= 1

    def test_the_trigger_victim_is_exactly_at_the_threshold_within_six_months(self, seeded: IncidentSeedReport) -> None:
        alert = Alert.objects.get(
            kind=AlertKind.COMMUNITY_TRIGGER,
            neighbourhood__name="Cambridge City Centre",
            acknowledged_at__isnull=True,
        )
        rules = selectors.rules_for(alert.force)
        assert alert.count == rules.trigger_threshold == 3
        since = months_before(start_of(END), rules.trigger_window_months)
        complaints = Incident.objects.filter(
            category=Category.ANTI_SOCIAL_BEHAVIOUR,
            occurred_at__gte=since,
            people__name=alert.subject,
            people__involvement__in=[Involvement.VICTIM, Involvement.REPORTING_PERSON],
        ).distinct()
        assert complaints.count() == rules.trigger_threshold
        assert alert.incident.occurred_at >= start_of(END - dt.timedelta(days=14))
        # Spread out: the same victim is no repeat victim (never three in one 90-day window).
        assert not Alert.objects.filter(kind=AlertKind.REPEAT_VICTIM, subject=alert.subject).exists()

    def test_each_demo_pcso_has_the_three_kinds_open_and_old_alerts_are_acknowledged(
        self, seeded: IncidentSeedReport
    ) -> None:
        for username in ("pcso", "pcso.cumbria", "pcso.derbyshire"):
            kinds = {alert.kind for alert in selectors.alerts_open_for(Person.objects.get(username=username))}
            assert kinds == set(AlertKind.values), username
        for force in Force.objects.all():
            alerts = Alert.objects.filter(force=force)
            assert alerts.filter(kind=AlertKind.REPEAT_VICTIM).count() >= 3  # a few repeat victims
            assert (
                alerts.filter(acknowledged_at__isnull=False).count()
                > alerts.filter(acknowledged_at__isnull=True).count()
            )
        open_alerts = Alert.objects.filter(acknowledged_at__isnull=True).select_related("incident")
        assert all(a.incident.occurred_at >= start_of(END - dt.timedelta(days=15)) for a in open_alerts)

    def test_the_repeat_location_alert_counts_incidents_within_the_radius(self, seeded: IncidentSeedReport) -> None:
        alert = Alert.objects.filter(
            kind=AlertKind.REPEAT_LOCATION, neighbourhood__name="Cambridge City Centre", acknowledged_at__isnull=True
        ).first()
        assert alert is not None
        rules = selectors.rules_for(alert.force)
        latest = alert.incident
        window = dt.timedelta(days=rules.repeat_window_days)
        near = [
            i
            for i in Incident.objects.filter(
                force=alert.force, occurred_at__range=(latest.occurred_at - window, latest.occurred_at)
            )
            if geo.distance_m(latest.lat, latest.lng, i.lat, i.lng) <= rules.repeat_radius_m
        ]
        assert len(near) >= rules.repeat_count


def test_each_demo_pcso_has_a_hot_spot_plan_and_a_fortnight_of_patrols_with_dosage(seeded: Any) -> None:
    from beatbook.patrols import selectors as patrol_selectors
    from beatbook.patrols.models import HotspotPlan, Patrol, PatrolVisit

    for username, area in (("pcso", "Cambridge City Centre"), ("pcso.cumbria", "Carlisle City Centre")):
        plan = HotspotPlan.objects.get(neighbourhood__name=area)
        assert plan.targets.count() == 3
        patrols = Patrol.objects.filter(person__username=username)
        assert PATROL_DAYS // 2 <= patrols.count() <= PATROL_DAYS
        assert all(p.ended_at is not None and p.ended_at.date() < END for p in patrols)
        assert PatrolVisit.objects.filter(patrol__in=patrols).count() >= patrols.count() * 3
        delivered = sum(
            dose.delivered
            for back in range(1, PATROL_DAYS + 1)
            for dose in patrol_selectors.plan_dosage(plan, END - dt.timedelta(days=back))
        )
        assert delivered > 0  # some visits were long enough to count, some were not
