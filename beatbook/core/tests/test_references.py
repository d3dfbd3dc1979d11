"""Human references: per force, kind and year, in order, and given back when the save fails."""

from __future__ import annotations

import pytest
from django.db import transaction

from beatbook.core.models import ReferenceCounter
from beatbook.core.references import next_reference

pytestmark = pytest.mark.django_db


def test_the_first_is_one_padded_to_six_digits() -> None:
    assert next_reference(force_code="CAMBS", kind="INC", year=2026) == "CAMBS-INC-2026-000001"


def test_they_go_up_one_at_a_time() -> None:
    got = [next_reference(force_code="CAMBS", kind="INC", year=2026) for _ in range(3)]
    assert got == ["CAMBS-INC-2026-000001", "CAMBS-INC-2026-000002", "CAMBS-INC-2026-000003"]
    assert ReferenceCounter.objects.get(prefix="CAMBS-INC-2026").last == 3


def test_each_force_kind_and_year_counts_on_its_own() -> None:
    next_reference(force_code="CAMBS", kind="INC", year=2026)
    assert next_reference(force_code="CAMBS", kind="INC", year=2025) == "CAMBS-INC-2025-000001"
    assert next_reference(force_code="DERBYS", kind="INC", year=2026) == "DERBYS-INC-2026-000001"
    assert next_reference(force_code="CAMBS", kind="ASB", year=2026) == "CAMBS-ASB-2026-000001"
    assert next_reference(force_code="CAMBS", kind="INC", year=2026) == "CAMBS-INC-2026-000002"


def test_codes_are_upper_cased_into_the_same_counter() -> None:
    next_reference(force_code="cambs", kind="inc", year=2026)
    assert next_reference(force_code="CAMBS", kind="INC", year=2026) == "CAMBS-INC-2026-000002"
    assert ReferenceCounter.objects.count() == 1


def test_a_save_that_fails_gives_its_number_back() -> None:
    next_reference(force_code="CAMBS", kind="INC", year=2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_reference(force_code="CAMBS", kind="INC", year=2026) == "CAMBS-INC-2026-000002"
        raise RuntimeError("the record did not save")
    assert next_reference(force_code="CAMBS", kind="INC", year=2026) == "CAMBS-INC-2026-000002"


def test_past_a_million_the_number_grows() -> None:
    ReferenceCounter.objects.create(prefix="CAMBS-INC-2026", last=999_999)
    assert next_reference(force_code="CAMBS", kind="INC", year=2026) == "CAMBS-INC-2026-1000000"
