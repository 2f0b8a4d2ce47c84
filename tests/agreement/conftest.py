from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from netlead.agreement import template


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str, name: str = "netlead.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def template_text() -> str:
    return template(date(2026, 11, 22))
