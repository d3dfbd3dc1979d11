"""Reads for the open data staff pages: imports, and published months. Scoped in SQL.

An import is seen by those posted in its force (`policy.forces_in_scope`) and opened only by those
who manage the force's open data (force administrators and analysts): anyone else in the force
gets 403, anyone outside it 404, the same as for an import that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from beatbook.org import policy
from beatbook.org.models import Force
from beatbook.org.selectors import get_visible

from ..models import CrimeImport, PublishedMonth


def opendata_forces(actor: policy.Actor) -> QuerySet[Force]:
    """The forces whose open data the actor manages, by name."""
    return policy.forces_where(actor, policy.Action.MANAGE_OPEN_DATA).order_by("name")


def crime_imports_visible_to(actor: policy.Actor) -> QuerySet[CrimeImport]:
    """Imports of the forces the actor is posted in, newest first, without the files' content
    (loaded only by the job), with the force, the uploader and the job joined."""
    return (
        CrimeImport.objects.filter(force__in=policy.forces_in_scope(actor))
        .select_related("force", "uploaded_by", "job")
        .defer("content")
        .order_by("-created_at", "-id")
    )


def crime_imports_managed_by(actor: policy.Actor, *, force: Force | None = None) -> QuerySet[CrimeImport]:
    """Imports of the forces whose open data the actor manages (of one of them, with `force`)."""
    imports = crime_imports_visible_to(actor).filter(force__in=opendata_forces(actor))
    return imports.filter(force=force) if force is not None else imports


def crime_import_get_for(*, actor: policy.Actor, import_id: Any) -> CrimeImport:
    """One import: 404 outside the actor's forces, 403 for those who do not manage open data."""
    crime_import = get_visible(crime_imports_visible_to(actor), import_id)
    policy.require(actor, policy.Action.MANAGE_OPEN_DATA, crime_import)
    return crime_import


def published_months_of(forces: QuerySet[Force]) -> QuerySet[PublishedMonth]:
    """Published months of these forces, by force name, newest month first."""
    return PublishedMonth.objects.filter(force__in=forces).select_related("force").order_by("force__name", "-month")
