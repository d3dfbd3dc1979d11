from __future__ import annotations

import pytest

from .helpers import Api


@pytest.fixture
def api() -> Api:
    return Api()
