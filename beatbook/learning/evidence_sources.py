"""The records of Beatbook that a learner can use as portfolio evidence, one adapter per model.

An adapter says, for its kind of record (keyed by model label, e.g. "incidents.incident"):

* who took part: `records_for(person)` is the query of the records the person created or took
  part in (the only ones they may propose), `took_part(record, person)` the same for one record;
* what the copy holds: `copy_of(record, learner)` gives the title, the day of the activity, a
  label ("Incident INC-..."), the structured facts that carry no personal data (category,
  neighbourhood, outcome state, times, dwell minutes, counts: copied as they are), the free-text
  fields (narrative: copied only after redaction) and the parties named in the record's
  structured fields (the people involved by their role, the learner as "the student PCSO",
  other officers by role), which the redaction replaces wherever they appear;
* who may open the original: `visible_to(actor)`, the record app's own selector scope, and
  `url_of(record)`, its detail page.

Adding a record type is one adapter class and one `register(...)` call here; the services, pages
and API take any registered label. Nothing here writes: the portfolio services do.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beatbook.community.models import EngagementEvent
from beatbook.enforcement.models import PenaltyNotice
from beatbook.incidents.models import Incident
from beatbook.org.models import Person
from beatbook.patrols.models import Patrol

if TYPE_CHECKING:
    from beatbook.learning.redaction import Party

STUDENT_ROLE = "the student PCSO"


def party(**fields: Any) -> Party:
    """A party for the redaction (imported when used: the rest of this module, which the record
    pages use for the "Use as evidence" button, needs no redaction)."""
    from beatbook.learning.redaction import Party

    return Party(**fields)


@dataclass(frozen=True)
class RecordCopy:
    """What a record gives to its evidence item, before redaction."""

    title: str
    occurred_on: dt.date
    label: str
    facts: list[tuple[str, str]]
    narrative: dict[str, str]
    parties: tuple[Party, ...]
    # Field names copied (structured and narrative), for the redaction summary.
    fields: tuple[str, ...] = field(default=())


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d %b %Y %H:%M") if moment is not None else "—"


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _aliases(person: Person) -> tuple[str, ...]:
    full = f"{person.first_name} {person.last_name}".strip()
    names = {full, person.last_name.strip()} - {"", person.display_name}
    return tuple(sorted(n for n in names if len(n) > 2))


def officer_parties(learner: Person, officers: Iterable[Person | None]) -> list[Party]:
    """The learner as "the student PCSO", every other officer as a colleague with their role."""
    parties = [party(name=learner.display_name, role=STUDENT_ROLE, aliases=_aliases(learner))]
    seen = {learner.pk}
    for officer in officers:
        if officer is None or officer.pk in seen:
            continue
        seen.add(officer.pk)
        role = _("a colleague (%(rank)s)") % {"rank": officer.rank_title} if officer.rank_title else _("a colleague")
        parties.append(party(name=officer.display_name, role=role, aliases=_aliases(officer)))
    return parties


class EvidenceSource(ABC):
    """The base of every adapter: subclasses set `model`, `noun` and `time_field` and write the
    abstract methods."""

    model: ClassVar[type[models.Model]]
    noun: ClassVar[str]
    # The field holding the moment of the activity, and what its label needs loaded.
    time_field: ClassVar[str]
    related: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def label(cls) -> str:
        return cls.model._meta.label_lower

    @abstractmethod
    def records_for(self, person: Person) -> QuerySet[Any]: ...

    def took_part(self, record: Any, person: Person) -> bool:
        return self.records_for(person).filter(pk=record.pk).exists()

    def get(self, pk: Any) -> Any | None:
        try:
            return self.model._default_manager.filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            return None

    @abstractmethod
    def copy_of(self, record: Any, learner: Person) -> RecordCopy: ...

    @abstractmethod
    def visible_to(self, actor: Any) -> QuerySet[Any]: ...

    @abstractmethod
    def url_of(self, record: Any) -> str: ...

    def recent(self, records: QuerySet[Any]) -> QuerySet[Any]:
        """The records newest first, with what their labels need."""
        if self.related:  # select_related() with no fields would follow every foreign key
            records = records.select_related(*self.related)
        return records.order_by(f"-{self.time_field}", "-pk")

    def when(self, record: Any) -> dt.datetime:
        """The moment of the activity (for the list of a learner's recent records): the value of
        `time_field`, following `__` through related records."""
        value: Any = record
        for part in self.time_field.split("__"):
            value = getattr(value, part)
        return value  # type: ignore[no-any-return]

    @abstractmethod
    def short_label(self, record: Any) -> str: ...


_SOURCES: dict[str, EvidenceSource] = {}


def register(source: EvidenceSource) -> EvidenceSource:
    _SOURCES[source.label()] = source
    return source


def source_for(label: str) -> EvidenceSource | None:
    return _SOURCES.get(label.strip().lower())


def source_of(record: models.Model) -> EvidenceSource | None:
    return _SOURCES.get(record._meta.label_lower)


def sources() -> list[EvidenceSource]:
    return list(_SOURCES.values())


# ---- Incidents ----------------------------------------------------------------------------------


class IncidentSource(EvidenceSource):
    """An incident the learner recorded (its `created_by`). The people involved are parties by
    their involvement ("the victim", "the caller", "witness 2"); their names, addresses, dates of
    birth, phone numbers and descriptions are never copied; the place (`location_text`) is not
    copied either (the neighbourhood is)."""

    model = Incident

    noun = "Incident"
    time_field = "occurred_at"
    ROLES: ClassVar[dict[str, str]] = {
        "victim": "victim",
        "witness": "witness",
        "suspect": "suspect",
        "reporting": "caller",
    }

    def records_for(self, person: Person) -> QuerySet[Any]:
        return Incident.objects.filter(created_by=person)

    def took_part(self, record: Any, person: Person) -> bool:
        return bool(record.created_by_id == person.pk)

    def short_label(self, record: Any) -> str:
        return f"{self.noun} {record.reference}"

    def copy_of(self, record: Any, learner: Person) -> RecordCopy:
        people = list(record.people.order_by("id"))
        roles = Counter(p.involvement for p in people)
        numbered: Counter[str] = Counter()
        parties = officer_parties(learner, [record.created_by])
        for person in people:
            word = self.ROLES.get(person.involvement, "person")
            numbered[word] += 1
            role = f"the {word}" if roles[person.involvement] == 1 else f"{word} {numbered[word]}"
            if person.name or person.address or person.date_of_birth:
                parties.append(
                    party(name=person.name, role=role, address=person.address, date_of_birth=person.date_of_birth)
                )
        if record.location_text:
            parties.append(party(name="", role="the place", address=record.location_text))
        involved = ", ".join(f"{count} {self.ROLES.get(kind, kind)}" for kind, count in sorted(roles.items()))
        facts = [
            (_("When"), _local(record.occurred_at)),
            (_("Neighbourhood"), record.neighbourhood.name),
            (_("Category"), record.get_category_display()),
        ]
        if record.asb_qualifier:
            facts.append((_("ASB qualifier"), record.get_asb_qualifier_display()))
        if record.asb_type:
            facts.append((_("ASB type"), record.get_asb_type_display()))
        facts += [
            (_("How it was reported"), record.get_how_reported_display()),
            (_("Overall risk"), record.get_risk_level_display()),
            (
                _("THRIVE"),
                ", ".join(
                    f"{label} {getattr(record, f'get_thrive_{name}_display')()}"
                    for name, label in (
                        ("threat", _("threat")),
                        ("harm", _("harm")),
                        ("risk", _("risk")),
                        ("investigation", _("investigation")),
                        ("vulnerability", _("vulnerability")),
                        ("engagement", _("engagement")),
                    )
                ),
            ),
            (_("Status"), record.get_status_display()),
            (_("People involved"), involved or "—"),
            (_("Repeat victim"), _("yes") if record.is_repeat_victim else _("no")),
            (_("Repeat location"), _("yes") if record.is_repeat_location else _("no")),
        ]
        narrative = {
            str(_("What happened")): record.description,
            str(_("THRIVE notes")): record.thrive_notes,
            str(_("Outcome")): record.outcome,
        }
        return RecordCopy(
            title=f"{self.short_label(record)}: {record.get_category_display()}",
            occurred_on=_day(record.occurred_at),
            label=self.short_label(record),
            facts=[(str(k), str(v)) for k, v in facts],
            narrative={k: v for k, v in narrative.items() if v.strip()},
            parties=tuple(parties),
            fields=(
                "occurred_at",
                "neighbourhood",
                "category",
                "asb_qualifier",
                "asb_type",
                "how_reported",
                "risk_level",
                "thrive",
                "status",
                "people (counts by involvement)",
                "is_repeat_victim",
                "is_repeat_location",
                "description (redacted)",
                "thrive_notes (redacted)",
                "outcome (redacted)",
            ),
        )

    def visible_to(self, actor: Any) -> QuerySet[Any]:
        from beatbook.incidents.selectors import incidents_visible_to

        return incidents_visible_to(actor)

    def url_of(self, record: Any) -> str:
        return reverse("incidents:detail", args=[record.pk])


# ---- Patrols ------------------------------------------------------------------------------------


class PatrolSource(EvidenceSource):
    """A patrol the learner went on, as the patroller or a named colleague. The stops are copied
    as a count and the minutes spent at them (their place labels are not); the notes are
    redacted."""

    model = Patrol

    noun = "Patrol"
    time_field = "started_at"

    def records_for(self, person: Person) -> QuerySet[Any]:
        joined = Patrol.colleagues.through.objects.filter(person=person).values("patrol_id")
        return Patrol.objects.filter(Q(person=person) | Q(pk__in=joined))

    def short_label(self, record: Any) -> str:
        return f"{self.noun} #{record.pk} ({_day(record.started_at):%d %b %Y})"

    def copy_of(self, record: Any, learner: Person) -> RecordCopy:
        visits = list(record.visits.all())
        dwell = sum(((v.left_at - v.arrived_at).total_seconds() for v in visits), 0.0)
        colleagues = list(record.colleagues.all())
        minutes = int(record.duration.total_seconds() // 60) if record.duration is not None else None
        facts = [
            (_("Started"), _local(record.started_at)),
            (_("Ended"), _local(record.ended_at)),
            (_("Minutes on patrol"), str(minutes) if minutes is not None else _("still under way")),
            (_("Neighbourhood"), record.neighbourhood.name),
            (_("How"), record.get_mode_display()),
            (_("Officers on the patrol"), str(1 + len(colleagues))),
            (_("Stops"), str(len(visits))),
            (_("Minutes at stops (dwell)"), str(int(dwell // 60))),
            (_("Stops at hot-spot targets"), str(sum(1 for v in visits if v.place_id))),
        ]
        return RecordCopy(
            title=f"{self.short_label(record)}: {record.neighbourhood.name}",
            occurred_on=_day(record.started_at),
            label=self.short_label(record),
            facts=[(str(k), str(v)) for k, v in facts],
            narrative={str(_("Notes")): record.notes} if record.notes.strip() else {},
            parties=tuple(officer_parties(learner, [record.person, *colleagues])),
            fields=(
                "started_at",
                "ended_at",
                "neighbourhood",
                "mode",
                "colleagues (count)",
                "visits (count, dwell minutes)",
                "notes (redacted)",
            ),
        )

    def visible_to(self, actor: Any) -> QuerySet[Any]:
        from beatbook.patrols.selectors import patrols_visible_to

        return patrols_visible_to(actor)

    def url_of(self, record: Any) -> str:
        return reverse("patrols:detail", args=[record.pk])


# ---- Engagement events --------------------------------------------------------------------------


class EngagementEventSource(EvidenceSource):
    """An engagement event the learner planned or attended (as one of its officers). The title,
    public description, issues raised, follow-ups and internal notes are redacted; the place is
    not copied (the neighbourhood is)."""

    model = EngagementEvent

    noun = "Engagement event"
    time_field = "starts_at"

    def records_for(self, person: Person) -> QuerySet[Any]:
        attending = EngagementEvent.officers.through.objects.filter(person=person).values("engagementevent_id")
        return EngagementEvent.objects.filter(Q(created_by=person) | Q(pk__in=attending))

    def short_label(self, record: Any) -> str:
        return f"{self.noun} {record.reference}"

    def copy_of(self, record: Any, learner: Person) -> RecordCopy:
        officers = list(record.officers.all())
        facts = [
            (_("Kind"), record.get_kind_display()),
            (_("Starts"), _local(record.starts_at)),
            (_("Ends"), _local(record.ends_at)),
            (_("Neighbourhood"), record.neighbourhood.name),
            (_("Status"), record.get_status_display()),
            (_("Public event"), _("yes") if record.is_public else _("no")),
            (_("People attending"), str(record.attendance) if record.attendance is not None else "—"),
            (_("Officers attending"), str(len(officers))),
            (_("Issues raised"), str(len(record.issue_lines))),
        ]
        narrative = {
            str(_("Title")): record.title,
            str(_("Public description")): record.description,
            str(_("Issues raised")): record.issues_raised,
            str(_("Follow-ups")): record.follow_ups,
            str(_("Internal notes")): record.notes,
        }
        parties = officer_parties(learner, [record.created_by, *officers])
        if record.address:
            parties.append(party(name="", role="the venue", address=record.address))
        return RecordCopy(
            title=f"{self.short_label(record)}: {record.get_kind_display()}",
            occurred_on=_day(record.starts_at),
            label=self.short_label(record),
            facts=[(str(k), str(v)) for k, v in facts],
            narrative={k: v for k, v in narrative.items() if v.strip()},
            parties=tuple(parties),
            fields=(
                "kind",
                "starts_at",
                "ends_at",
                "neighbourhood",
                "status",
                "is_public",
                "attendance",
                "officers (count)",
                "title (redacted)",
                "description (redacted)",
                "issues_raised (redacted)",
                "follow_ups (redacted)",
                "notes (redacted)",
            ),
        )

    def visible_to(self, actor: Any) -> QuerySet[Any]:
        from beatbook.community.selectors.events import events_visible_to

        return events_visible_to(actor)

    def url_of(self, record: Any) -> str:
        return reverse("community:event-detail", args=[record.reference])


# ---- Penalty notices ----------------------------------------------------------------------------


class PenaltyNoticeSource(EvidenceSource):
    """A penalty notice the learner issued (the record's officer). The recipient is a party
    ("the recipient": name, address, date of birth); what they did and the notes are redacted;
    the place is not copied."""

    model = PenaltyNotice

    noun = "Penalty notice"
    time_field = "record__occurred_at"
    related = ("record",)

    def records_for(self, person: Person) -> QuerySet[Any]:
        return PenaltyNotice.objects.filter(record__officer=person)

    def took_part(self, record: Any, person: Person) -> bool:
        return bool(record.record.officer_id == person.pk)

    def short_label(self, record: Any) -> str:
        return f"{self.noun} {record.record.reference}"

    def copy_of(self, record: Any, learner: Person) -> RecordCopy:
        enforcement = record.record
        facts = [
            (_("When"), _local(enforcement.occurred_at)),
            (_("Neighbourhood"), enforcement.neighbourhood.name),
            (_("Offence"), str(record.offence)),
            (_("Power used"), enforcement.power_check.get("power_title") or str(enforcement.power)),
            (_("Amount (£)"), str(record.amount)),
            (_("Status"), record.get_status_display()),
            (_("Linked to an incident"), _("yes") if enforcement.incident_id else _("no")),
        ]
        narrative = {str(_("What the person did")): record.offence_details, str(_("Notes")): enforcement.notes}
        parties = officer_parties(learner, [enforcement.officer])
        if enforcement.subject_name or enforcement.subject_address or enforcement.subject_date_of_birth:
            parties.append(
                party(
                    name=enforcement.subject_name,
                    role="the recipient",
                    address=enforcement.subject_address,
                    date_of_birth=enforcement.subject_date_of_birth,
                )
            )
        if enforcement.location_text:
            parties.append(party(name="", role="the place", address=enforcement.location_text))
        return RecordCopy(
            title=f"{self.short_label(record)}: {record.offence}",
            occurred_on=_day(enforcement.occurred_at),
            label=self.short_label(record),
            facts=[(str(k), str(v)) for k, v in facts],
            narrative={k: v for k, v in narrative.items() if v.strip()},
            parties=tuple(parties),
            fields=(
                "occurred_at",
                "neighbourhood",
                "offence",
                "power",
                "amount",
                "status",
                "incident (yes/no)",
                "offence_details (redacted)",
                "notes (redacted)",
            ),
        )

    def visible_to(self, actor: Any) -> QuerySet[Any]:
        from beatbook.enforcement.selectors.common import records_visible_to

        return PenaltyNotice.objects.filter(record__in=records_visible_to(actor).values("pk"))

    def url_of(self, record: Any) -> str:
        return reverse("enforcement:detail", args=[record.pk])


for _source in (IncidentSource(), PatrolSource(), EngagementEventSource(), PenaltyNoticeSource()):
    register(_source)
