"""Loading a force's list of snap points: the anonymous map points, with street names, that its
published incidents are placed on (police.uk's "On or near ..." points).

A force that imports police.uk files gets the files' points as well; a force that publishes
before any import needs a list of its own (for example drawn from its gazetteer). Loading is
idempotent: a point already held (same coordinates and name) is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from beatbook.audit.models import EventType
from beatbook.audit.services import NO_META, AuditMeta, record
from beatbook.core import geo
from beatbook.org import policy
from beatbook.org.models import Force, Person

from ..models import SnapPoint
from .common import lock_force

NAME_MAX = 200


@dataclass(frozen=True)
class SnapPointData:
    lat: float
    lng: float
    name: str  # as the public sees it: "On or near Mill Road"


@transaction.atomic
def snap_points_load(*, actor: Person, force: Force, points: Iterable[SnapPointData], meta: AuditMeta = NO_META) -> int:
    """Add the force's snap points not held yet (force administrators and analysts); returns how
    many were added. Refused, with nothing added, if any point is outside the UK or unnamed."""
    policy.require(actor, policy.Action.MANAGE_OPEN_DATA, force)
    wanted: dict[tuple[float, float, str], None] = {}
    for n, point in enumerate(points):
        name = point.name.strip()
        if not geo.in_uk(point.lat, point.lng):
            raise ValidationError({"points": [_("Point %(n)s is outside the UK.") % {"n": n + 1}]})
        if not name or len(name) > NAME_MAX:
            message = _("Point %(n)s needs a name of at most %(max)s characters.") % {"n": n + 1, "max": NAME_MAX}
            raise ValidationError({"points": [message]})
        wanted.setdefault((point.lat, point.lng, name), None)
    lock_force(force)
    held = {
        (lat, lng, name)
        for lat, lng, name in SnapPoint.objects.filter(force=force).values_list("lat", "lng", "name").iterator()
    }
    new = [
        SnapPoint(force=force, lat=lat, lng=lng, name=name, source=SnapPoint.Source.LOADED)
        for lat, lng, name in wanted
        if (lat, lng, name) not in held
    ]
    SnapPoint.objects.bulk_create(new, batch_size=1000)
    record(
        actor=actor,
        event=EventType.SNAP_POINTS_LOADED,
        force_id=force.pk,
        after={"given": len(wanted), "added": len(new)},
        meta=meta,
    )
    return len(new)
