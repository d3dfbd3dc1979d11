"""Human references per force, kind and year (`CAMBS-INC-2026-000123`): read aloud on the radio,
unique, issued in order. Call inside the transaction that saves the record, so that a record
that fails to save gives its number back."""

from __future__ import annotations

from django.db import transaction

from .models import ReferenceCounter


def next_reference(*, force_code: str, kind: str, year: int) -> str:
    prefix = f"{force_code.upper()}-{kind.upper()}-{year}"
    with transaction.atomic():
        ReferenceCounter.objects.get_or_create(prefix=prefix)
        counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix)
        counter.last += 1
        counter.save(update_fields=["last"])
    return f"{prefix}-{counter.last:06d}"
