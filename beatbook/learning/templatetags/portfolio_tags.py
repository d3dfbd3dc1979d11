"""Template tags of the portfolio, for the record pages of other apps (the "Use as evidence"
button is included there and asks here whether to show itself)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from beatbook.learning import evidence_sources
from beatbook.learning.selectors import portfolio as selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def use_as_evidence_url(context: dict[str, Any], record: Any) -> str:
    """The "Use as evidence" page of `record` for the signed-in person, when they are a learner
    with an active enrolment who created or took part in it and it is not in their portfolio yet;
    else "" (the button is not shown)."""
    request = context.get("request")
    source = evidence_sources.source_of(record) if record is not None else None
    if request is None or source is None:
        return ""
    if selectors.may_use_as_evidence(request.user, record) is None:
        return ""
    return reverse("learning:evidence_from_record", args=[source.label(), record.pk])
