"""Fixtures of the store tests: a real in-memory DuckDB store, the stand-in agreement, files."""

from __future__ import annotations

import pytest
from store_helpers import AGREEMENT, Agreement

from netlead.store import connect


@pytest.fixture
def agreement() -> Agreement:
    return AGREEMENT


@pytest.fixture
def con():
    con = connect(":memory:", "Europe/London")
    # Instants as UTC text, whatever the session zone: what the tests compare.
    con.execute("CREATE TEMP MACRO utc_text(x) AS strftime(timezone('UTC', x), '%Y-%m-%d %H:%M:%S')")
    yield con
    con.close()


@pytest.fixture
def write(tmp_path):
    """write(name, text or bytes) -> path of a file in tmp_path."""
    def _write(name: str, content: str | bytes):
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path
    return _write
