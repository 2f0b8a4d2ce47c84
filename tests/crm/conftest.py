"""Real DuckDB stores with a real agreement, and helpers to read back what an import stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from netlead.agreement import loads
from netlead.store import connect

DATA = Path(__file__).parent / "data"
EXAMPLE = Path(__file__).parents[2] / "examples" / "maven-crm"


def agreement_for(currency: str = "GBP", timezone: str = "Europe/London"):
    """The Maven example's agreement (nothing subtracted) with another currency and timezone."""
    text = (EXAMPLE / "netlead.yaml").read_text(encoding="utf-8")
    text = text.replace("timezone: UTC", f"timezone: {timezone}").replace("currency: USD", f"currency: {currency}")
    text = text.replace("effective_from: 2016-10-01", "effective_from: 2026-01-01")
    return loads(text, "netlead.yaml")


def open_store(agreement):
    """A fresh in-memory store in the agreement's timezone, inside a transaction (as a workspace
    imports), with the macro `utc(instant)`: UTC wall-clock text `YYYY-MM-DD HH:MM`."""
    con = connect(":memory:", agreement.calendar.timezone)
    con.execute("CREATE TEMP MACRO utc(x) AS strftime(timezone('UTC', x), '%Y-%m-%d %H:%M')")
    con.execute("BEGIN")
    return con


@pytest.fixture
def store():
    """`store(agreement)` gives `open_store(agreement)`, closed after the test."""
    opened = []

    def open_(agreement):
        opened.append(open_store(agreement))
        return opened[-1]

    yield open_
    for con in opened:
        con.close()


def rows(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def by_kind(results) -> dict[str, object]:
    return {r.kind: r for r in results}
