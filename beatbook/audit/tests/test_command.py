"""`manage.py verify_audit_chain`: exit status 0 and "OK", or 1 and the first broken link."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beatbook.audit.models import AuditEvent
from beatbook.core.testing import World

from .tampering import tamper_reason

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit_chain", *args, stdout=out)
    return out.getvalue()


def test_an_intact_trail_is_ok(world: World) -> None:
    output = run()
    assert f"Checked 2 chain(s), {AuditEvent.objects.count()} event(s): OK" in output


def test_named_chains_only(world: World) -> None:
    name = f"force-{world.force_b.pk}"
    output = run("--chain", name)
    assert f"Checked 1 chain(s), {AuditEvent.objects.filter(chain=name).count()} event(s): OK" in output


def test_a_broken_chain_exits_with_status_1_and_names_the_first_broken_link(world: World) -> None:
    name = f"force-{world.force_a.pk}"
    target = AuditEvent.objects.filter(chain=name).order_by("seq")[1]
    tamper_reason(target.pk, "edited")
    with pytest.raises(CommandError) as caught:
        run()
    assert caught.value.returncode == 1
    message = str(caught.value)
    assert f"chain {name}, seq 2, event id {target.pk}" in message
    assert "changed" in message
    # Another chain on its own still verifies.
    assert "OK" in run("--chain", f"force-{world.force_b.pk}")


def test_an_unknown_chain_is_an_error(world: World) -> None:
    with pytest.raises(CommandError, match="No such chain: force-99999"):
        run("--chain", "force-99999")
