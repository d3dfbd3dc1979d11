"""Kernel tables shared by every domain app: the counters behind human references."""

from __future__ import annotations

from django.db import models


class ReferenceCounter(models.Model):
    """The last number issued under one prefix, e.g. `CAMBS-INC-2026` (one row per force, kind
    and year). Writers lock the row, so two records never get the same reference."""

    prefix = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["prefix"]

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"
