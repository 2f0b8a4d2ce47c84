"""The store connection's settings: a bounded memory limit and threads, both overridable, and no
progress bar on stdout (it would land inside JSON and CSV output)."""

from __future__ import annotations

import pytest

from netlead.errors import NetleadError
from netlead.store import connect, import_memory
from netlead.store.db import DEFAULT_MEMORY_LIMIT, IMPORT_MEMORY_SHARE


def setting(con, name):
    return con.execute("SELECT current_setting(?)", [name]).fetchone()[0]


def as_bytes(text: str) -> float:
    number, unit = text.split()
    return float(number) * {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "KB": 1e3, "MB": 1e6, "GB": 1e9}[unit]


def test_default_memory_limit_threads_and_no_progress_bar(monkeypatch):
    monkeypatch.delenv("NETLEAD_MEMORY_LIMIT", raising=False)
    monkeypatch.delenv("NETLEAD_THREADS", raising=False)
    con = connect(":memory:", "Europe/London")
    number, unit = DEFAULT_MEMORY_LIMIT[:-2], DEFAULT_MEMORY_LIMIT[-2:]
    assert as_bytes(setting(con, "memory_limit")) == pytest.approx(as_bytes(f"{number} {unit}"), rel=0.05)
    assert setting(con, "threads") >= 1
    assert setting(con, "enable_progress_bar") is False


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("NETLEAD_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("NETLEAD_THREADS", "1")
    con = connect(":memory:", "Europe/London")
    assert as_bytes(setting(con, "memory_limit")) == pytest.approx(1e9, rel=0.05)
    assert setting(con, "threads") == 1
    con = connect(":memory:", "Europe/London", memory_limit="2GB", threads=2)  # arguments win
    assert as_bytes(setting(con, "memory_limit")) == pytest.approx(2e9, rel=0.05)
    assert setting(con, "threads") == 2


@pytest.mark.parametrize("limit", ["400MB", "3GB", "60%"])
def test_an_import_runs_with_a_share_of_the_limit_and_gives_it_back(limit):
    con = connect(":memory:", "Europe/London", memory_limit=limit)
    before = setting(con, "memory_limit")
    with import_memory(con):
        # DuckDB shows a limit to one decimal: 2.8 GiB
        assert as_bytes(setting(con, "memory_limit")) == pytest.approx(as_bytes(before) * IMPORT_MEMORY_SHARE,
                                                                      rel=0.05)
    assert setting(con, "memory_limit") == before
    with pytest.raises(ZeroDivisionError), import_memory(con):
        1 / 0  # noqa: B018 - an import that fails
    assert setting(con, "memory_limit") == before
    with import_memory(con.cursor()):  # not made by connect: left as it is
        assert setting(con, "memory_limit") == before


@pytest.mark.parametrize(("name", "value"), [("NETLEAD_MEMORY_LIMIT", "lots"), ("NETLEAD_THREADS", "two")])
def test_bad_settings_are_clear_errors(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(NetleadError, match=name):
        connect(":memory:", "Europe/London")
