"""Pages of the powers catalogue: a force's catalogue (with a force chooser), a power's page
(offences, statutory ranges, tariffs, designation history), adding and changing powers, loading
the baseline, setting and ending tariffs, the force's designations (new, end), and the comparison
of forces on a date. Thin: forms parse, services decide and write, selectors read in scope.

Who reaches them: anyone who reads the catalogues (`selectors.catalogue`); lists answer 403 to
those who read nothing (partner users), single rows 404. Changes need `MANAGE_POWERS` in the
row's force (its force administrator): 403 otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beatbook.core.forms import form_status, submit
from beatbook.core.pagination import paginate, parse_positive_int
from beatbook.core.timeutil import today
from beatbook.org import policy
from beatbook.org.models import Force
from beatbook.org.views.common import actor_of, crumbs, meta_of, posted

from ..forms.catalogue import EndForm, ForceDesignationForm, PowerForm, TariffForm
from ..selectors import catalogue as selectors
from ..services import catalogue as services
from ..services.loader import catalogue_load

NAV = "powers"
DENIED = "You do not have permission to do that."


def catalogue_crumbs(*trail: tuple[str, str]) -> list[Any]:
    return crumbs((_("Powers catalogue"), reverse("powers:catalogue")), *trail)


def _require_reader(request: HttpRequest) -> None:
    if not selectors.reads_catalogue(actor_of(request)):
        raise PermissionDenied(_(DENIED))


def _force(request: HttpRequest) -> Force:
    return selectors.force_published_get(actor=actor_of(request), slug=request.GET.get("force"))


def _day(raw: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return today()


# ---- the catalogue ------------------------------------------------------------------------------


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """A force's catalogue, by kind (`?force=<slug>`; the actor's own by default)."""
    _require_reader(request)
    actor = actor_of(request)
    force = _force(request)
    context = {
        "force": force,
        "forces": list(selectors.forces_published_to(actor)),
        "groups": selectors.catalogue_of(actor=actor, force=force),
        "can_manage": policy.can(actor, policy.Action.MANAGE_POWERS, force),
        "today": today(),
        "nav_key": NAV,
        "breadcrumbs": crumbs((_("Powers catalogue"), "")),
    }
    return render(request, "powers/catalogue/catalogue.html", context)


@require_POST
def catalogue_load_view(request: HttpRequest) -> HttpResponse:
    """Load the baseline catalogue into a force (adds only what it lacks)."""
    actor = actor_of(request)
    force = selectors.force_published_get(actor=actor, slug=request.POST.get("force") or None)
    policy.require(actor, policy.Action.MANAGE_POWERS, force)
    result = catalogue_load(actor=actor, force=force, meta=meta_of(request))
    messages.success(
        request,
        _("Baseline %(version)s loaded: %(added)d powers added, %(kept)d already there.")
        % {"version": result.version, "added": result.powers_added, "kept": result.powers_kept},
    )
    return redirect(f"{reverse('powers:catalogue')}?force={force.slug}")


def _courses(force_id: int) -> list[tuple[int, str]]:
    return [(c.pk, c.title) for c in selectors.courses_of(force_id)]


@require_http_methods(["GET", "POST"])
def power_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    force = _force(request)
    policy.require(actor, policy.Action.MANAGE_POWERS, force)
    form = PowerForm(posted(request), courses=_courses(force.pk))
    power = submit(
        form,
        lambda: services.power_create(
            actor=actor,
            force=force,
            code=form.cleaned_data["code"],
            kind=form.cleaned_data["kind"],
            data=form.power_data(),
            meta=meta_of(request),
        ),
    )
    if power is not None:
        messages.success(request, _("%(title)s has been added to the catalogue.") % {"title": power.title})
        return redirect("powers:power_detail", pk=power.pk)
    context = {
        "form": form,
        "force": force,
        "title": _("Add a power"),
        "nav_key": NAV,
        "breadcrumbs": catalogue_crumbs((_("Add a power"), "")),
    }
    return render(request, "powers/catalogue/power_form.html", context, status=form_status(form))


@require_GET
def power_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    page = selectors.power_page_for(actor=actor, power_id=pk)
    day = today()
    power = page.power
    current = next((d for d in page.designations if d.in_force_on(day)), None)
    context = {
        "power": power,
        "offences": page.offences,
        "designations": [(d, selectors.parameter_words(d.parameters)) for d in page.designations],
        "current": current,
        "parameters": selectors.parameter_words(power.parameters),
        "current_parameters": selectors.parameter_words({**power.parameters, **current.parameters})
        if current is not None
        else [],
        "can_manage": policy.can(actor, policy.Action.MANAGE_POWERS, power),
        "today": day,
        "nav_key": NAV,
        "breadcrumbs": catalogue_crumbs(
            (power.force.name, f"{reverse('powers:catalogue')}?force={power.force.slug}"), (power.title, "")
        ),
    }
    return render(request, "powers/catalogue/power_detail.html", context)


@require_http_methods(["GET", "POST"])
def power_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    power = selectors.power_get_for(actor=actor, power_id=pk, action=policy.Action.MANAGE_POWERS)
    form = PowerForm(
        posted(request), courses=_courses(power.force_id), power=power, initial=PowerForm.initial_for(power)
    )
    saved = submit(
        form,
        lambda: services.power_update(
            actor=actor,
            power=power,
            data=form.power_data(),
            expected_version=form.cleaned_data.get("version"),
            meta=meta_of(request),
        ),
    )
    if saved is not None:
        messages.success(request, _("The power has been updated."))
        return redirect("powers:power_detail", pk=power.pk)
    context = {
        "form": form,
        "force": power.force,
        "power": power,
        "title": _("Change %(title)s") % {"title": power.title},
        "nav_key": NAV,
        "breadcrumbs": catalogue_crumbs(
            (power.title, reverse("powers:power_detail", args=[power.pk])), (_("Change"), "")
        ),
    }
    return render(request, "powers/catalogue/power_form.html", context, status=form_status(form))


# ---- tariffs ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def tariff_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Set what an issuing authority charges for an offence."""
    actor = actor_of(request)
    offence = selectors.offence_get_for(actor=actor, offence_id=pk)
    policy.require(actor, policy.Action.MANAGE_POWERS, offence)
    councils = {c.pk: c for c in selectors.councils_of(offence.force_id)}
    form = TariffForm(
        posted(request),
        councils=[(pk_, c.name) for pk_, c in councils.items()],
        force_name=offence.force.name,
        initial={"valid_from": today(), "payment_days": 28},
    )

    def _set() -> Any:
        d = form.cleaned_data
        return services.penalty_tariff_set(
            actor=actor,
            offence=offence,
            issuing_authority=councils.get(d["issuing_authority"]) if d["issuing_authority"] else None,
            amount=d["amount"],
            discounted_amount=d["discounted_amount"],
            discount_days=d["discount_days"],
            payment_days=d["payment_days"],
            valid_from=d["valid_from"],
            valid_to=d["valid_to"],
            meta=meta_of(request),
        )

    tariff = submit(form, _set)
    if tariff is not None:
        messages.success(request, _("The tariff has been set."))
        return redirect(reverse("powers:power_detail", args=[offence.power_id]) + "#offences")
    context = {
        "form": form,
        "offence": offence,
        "nav_key": NAV,
        "breadcrumbs": catalogue_crumbs(
            (offence.power.title, reverse("powers:power_detail", args=[offence.power_id])), (_("Set a tariff"), "")
        ),
    }
    return render(request, "powers/catalogue/tariff_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def tariff_end(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    tariff = selectors.tariff_get_for(actor=actor, tariff_id=pk, action=policy.Action.MANAGE_POWERS)
    form = EndForm(posted(request), initial=EndForm.initial_today())
    ended = submit(
        form,
        lambda: services.penalty_tariff_end(
            actor=actor, tariff=tariff, valid_to=form.cleaned_data["valid_to"], meta=meta_of(request)
        ),
    )
    back = reverse("powers:power_detail", args=[tariff.offence.power_id]) + "#offences"
    if ended is not None:
        messages.success(request, _("The tariff has been ended."))
        return redirect(back)
    context = {
        "form": form,
        "heading": _("End the tariff for %(offence)s") % {"offence": tariff.offence.title},
        "caption": tariff.issuing_authority.name if tariff.issuing_authority else tariff.force.name,
        "back": back,
        "action": reverse("powers:tariff_end", args=[tariff.pk]),
        "nav_key": NAV,
        "breadcrumbs": catalogue_crumbs((_("End a tariff"), "")),
    }
    return render(request, "powers/catalogue/end_form.html", context, status=form_status(form))


# ---- force designations -------------------------------------------------------------------------


def designations_url(force: Force) -> str:
    return f"{reverse('powers:force_designations')}?force={force.slug}"


@require_GET
def force_designations(request: HttpRequest) -> HttpResponse:
    """A force's designations of powers to its PCSOs, current and past (`?force=<slug>`)."""
    _require_reader(request)
    actor = actor_of(request)
    force = _force(request)
    page = paginate(
        selectors.force_designations_visible_to(actor).filter(force=force),
        number=parse_positive_int(request.GET.get("page"), 1),
    )
    context = {
        "force": force,
        "forces": list(selectors.forces_published_to(actor)),
        "page": page,
        "query": f"force={force.slug}",
        "can_manage": policy.can(actor, policy.Action.MANAGE_POWERS, force),
        "today": today(),
        "nav_key": NAV,
        "breadcrumbs": catalogue_crumbs((_("Force designations"), "")),
    }
    return render(request, "powers/catalogue/force_designations.html", context)


@require_http_methods(["GET", "POST"])
def force_designation_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    force = _force(request)
    policy.require(actor, policy.Action.MANAGE_POWERS, force)
    powers = {p.pk: p for p in selectors.powers_visible_to(actor).filter(force=force).order_by("title", "id")}
    wanted = parse_positive_int(request.GET.get("power"), 0)
    form = ForceDesignationForm(
        posted(request),
        powers=[(pk, f"{p.title} ({p.code})") for pk, p in powers.items()],
        initial={"valid_from": today(), "power": wanted if wanted in powers else None},
    )

    def _create() -> Any:
        d = form.cleaned_data
        power = powers.get(d["power"])
        if power is None:
            form.add_error("power", _("Choose a power of the force's catalogue"))
            return None
        return services.force_designation_create(
            actor=actor,
            power=power,
            valid_from=d["valid_from"],
            valid_to=d["valid_to"],
            extent=d["extent"],
            conditions=d["conditions"],
            parameters=form.parameters(),
            decision_reference=d["decision_reference"],
            meta=meta_of(request),
        )

    designation = submit(form, _create)
    if designation is not None:
        messages.success(request, _("%(power)s is designated.") % {"power": designation.power.title})
        return redirect(designations_url(force))
    context = {
        "form": form,
        "force": force,
        "nav_key": NAV,
        "breadcrumbs": catalogue_crumbs((_("Force designations"), designations_url(force)), (_("Designate"), "")),
    }
    return render(request, "powers/catalogue/force_designation_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def force_designation_end(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    designation = selectors.force_designation_get_for(
        actor=actor, designation_id=pk, action=policy.Action.MANAGE_POWERS
    )
    form = EndForm(posted(request), initial=EndForm.initial_today())
    ended = submit(
        form,
        lambda: services.force_designation_end(
            actor=actor, designation=designation, valid_to=form.cleaned_data["valid_to"], meta=meta_of(request)
        ),
    )
    back = designations_url(designation.force)
    if ended is not None:
        messages.success(request, _("The designation has been ended."))
        return redirect(back)
    context = {
        "form": form,
        "heading": _("End the designation of %(power)s") % {"power": designation.power.title},
        "caption": designation.force.name,
        "back": back,
        "action": reverse("powers:force_designation_end", args=[designation.pk]),
        "nav_key": NAV,
        "breadcrumbs": catalogue_crumbs((_("Force designations"), back), (_("End a designation"), "")),
    }
    return render(request, "powers/catalogue/end_form.html", context, status=form_status(form))


# ---- comparison ---------------------------------------------------------------------------------


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """Powers by forces on a day (`?on=YYYY-MM-DD`, today by default)."""
    _require_reader(request)
    result = selectors.comparison(actor=actor_of(request), on=_day(request.GET.get("on")))
    context = {
        "comparison": result,
        "nav_key": NAV,
        "breadcrumbs": catalogue_crumbs((_("Compare forces"), "")),
    }
    return render(request, "powers/catalogue/compare.html", context)


urlpatterns: list[URLPattern] = [
    path("catalogue/", catalogue, name="catalogue"),
    path("catalogue/load/", catalogue_load_view, name="catalogue_load"),
    path("catalogue/new/", power_new, name="power_new"),
    path("catalogue/<int:pk>/", power_detail, name="power_detail"),
    path("catalogue/<int:pk>/edit/", power_edit, name="power_edit"),
    path("catalogue/offences/<int:pk>/tariffs/new/", tariff_new, name="tariff_new"),
    path("catalogue/tariffs/<int:pk>/end/", tariff_end, name="tariff_end"),
    path("designations/force/", force_designations, name="force_designations"),
    path("designations/force/new/", force_designation_new, name="force_designation_new"),
    path("designations/force/<int:pk>/end/", force_designation_end, name="force_designation_end"),
    path("compare/", compare, name="compare"),
]
