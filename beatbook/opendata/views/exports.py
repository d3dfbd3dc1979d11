"""Open data pages: publishing a month of incidents (staff), and the public crime downloads.

`<force>/crimes.csv?month=YYYY-MM` and `<force>/crimes.geojson?month=YYYY-MM` need no login:
they give what the force has published (police.uk's street-level CSV format, or GeoJSON points
without the crimes that have no location), streamed. Without `month`, the force's latest
published month; a malformed month is 400, an unknown force 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beatbook.core.forms import submit
from beatbook.org import policy
from beatbook.org.models import Person
from beatbook.org.views.common import actor_of, meta_of

from .. import tasks
from ..forms import PublishForm
from ..geometry import BadQueryError, parse_month
from ..selectors import exports as selectors
from ..services import exports as services
from ..services.exports import Format
from .imports import index_context


@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    """Start publishing a month of a force's incidents; go to the job's page."""
    actor = actor_of(request)
    forces = policy.require_forces(actor, policy.Action.MANAGE_OPEN_DATA)
    form = PublishForm(request.POST, forces=forces)
    job = submit(
        form,
        lambda: tasks.crimes_publish_start(
            actor=actor, force=form.force_chosen(), month=form.month_chosen(), meta=meta_of(request)
        ),
    )
    if job is not None:
        messages.success(request, _("Publication has started."))
        return redirect("jobs:detail", job_id=job.pk)
    return render(request, "opendata/index.html", index_context(request, forces, form), status=400)


def _download(request: HttpRequest, force_slug: str, fmt: Format) -> HttpResponseBase:
    force = selectors.public_force(force_slug)
    try:
        month = parse_month(request.GET.get("month"))
    except BadQueryError:
        return HttpResponseBadRequest(_("month must be YYYY-MM"), content_type="text/plain; charset=utf-8")
    if month is None:
        month = selectors.latest_month_of(force)
        if month is None:
            return HttpResponse(
                _("This force has published no crimes yet."), status=404, content_type="text/plain; charset=utf-8"
            )
    actor = request.user if isinstance(request.user, Person) else AnonymousUser()
    export = services.public_crimes_export(actor=actor, force=force, month=month, fmt=fmt, meta=meta_of(request))
    response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_not_required
@require_GET
def crimes_csv(request: HttpRequest, force_slug: str) -> HttpResponseBase:
    return _download(request, force_slug, "csv")


@login_not_required
@require_GET
def crimes_geojson(request: HttpRequest, force_slug: str) -> HttpResponseBase:
    return _download(request, force_slug, "geojson")


urlpatterns: list[URLPattern | URLResolver] = [
    path("publish/", publish, name="publish"),
    path("<slug:force_slug>/crimes.csv", crimes_csv, name="crimes_csv"),
    path("<slug:force_slug>/crimes.geojson", crimes_geojson, name="crimes_geojson"),
]
