"""Pagination shared by list pages and list endpoints.

Pages are numbered from 1. The page size is capped by BEATBOOK_MAX_PAGE_SIZE. A page costs two
queries (a count and the rows) whatever its size, so list views pin their query count in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Page[M: Model]:
    items: list[M]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def clamp_page_size(size: int | None) -> int:
    if size is None or size < 1:
        return int(settings.BEATBOOK_PAGE_SIZE)
    return min(size, int(settings.BEATBOOK_MAX_PAGE_SIZE))


def parse_positive_int(raw: str | None, default: int) -> int:
    """Read a page number or size from a query string; bad values fall back to the default."""
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        return default
    return value if value >= 1 else default


def paginate[M: Model](queryset: QuerySet[M], *, number: int, size: int | None = None) -> Page[M]:
    page_size = clamp_page_size(size)
    total = queryset.count()
    last = max(1, -(-total // page_size))
    page_number = min(max(1, number), last)
    start = (page_number - 1) * page_size
    items = list(queryset[start : start + page_size])
    return Page(items=items, number=page_number, size=page_size, total=total)
