"""Fixtures for the metric tests: a real in-memory DuckDB store and small agreements written as
YAML, with rows inserted by hand so every expected number can be worked out on paper."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import duckdb
import pytest

from netlead.agreement import load
from netlead.metrics import refresh
from netlead.store.db import connect

BASE_VERSION = {
    "version": 1,
    "effective_from": "2026-01-01",
    "calendar": {"timezone": "UTC", "week_start": "monday", "fiscal_year_start_month": 1},
    "currency": "GBP",
    "default_margin": 0.4,
    "sales_cycle_days": 90,
    "net": {
        "subtract": [
            {"reason": "duplicate", "duplicate": {"keys": ["email"], "within_days": 90}},
            {"reason": "invalid", "when": "lower(domain) in ('example.com', 'mailinator.com')"},
            {"reason": "out_of_profile", "unless": "country in ('GB', 'IE') and employees >= 20"},
        ],
        "evidence": {
            "answers": ["trigger", "cost_of_inaction", "decision_makers", "need"],
            "min_answers": 2,
            "appointment": "optional",
        },
    },
    "journey": [
        {"stage": "lead", "owners": {"marketing": 1.0}},
        {"stage": "net", "owners": {"marketing": 0.7, "sales": 0.3}},
        {"stage": "issued", "owners": {"marketing": 0.5, "sales": 0.5}},
        {"stage": "responded", "owners": {"sales": 0.8, "marketing": 0.2}},
        {"stage": "opportunity", "owners": {"sales": 0.7, "marketing": 0.3}},
        {"stage": "won", "owners": {"sales": 0.6, "marketing": 0.4}},
    ],
    "sla": {"respond_within_minutes": 60, "outcome_within_days": 5},
    "outcome_codes": [
        {"code": "opportunity", "next": "opportunity"},
        {"code": "not_a_fit", "next": "closed"},
    ],
    "investment": {"include": ["media", "labor"], "shared_costs": "by_net_leads"},
}


def version(**changes) -> dict:
    """BASE_VERSION with top-level keys replaced; `calendar`, `net`, `investment` are merged."""
    doc = copy.deepcopy(BASE_VERSION)
    for key, value in changes.items():
        if key in ("calendar", "investment", "net") and isinstance(value, dict):
            doc[key].update(value)
        else:
            doc[key] = value
    return doc


@pytest.fixture
def write_agreement(tmp_path: Path):
    """Write versions (dicts; JSON is YAML) as documents of one netlead.yaml and load it."""

    def write(*versions: dict):
        path = tmp_path / "netlead.yaml"
        path.write_text("\n---\n".join(json.dumps(v, indent=1) for v in versions or (version(),)))
        return load(path)

    return write


class Store:
    """An in-memory store in the agreement's timezone, with helpers to add canonical rows."""

    def __init__(self, timezone: str):
        self.con: duckdb.DuckDBPyConnection = connect(":memory:", timezone)
        self._n = 0

    def _insert(self, table: str, row: dict) -> None:
        self._n += 1
        row = {"import_id": 1, **row}
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.con.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))  # noqa: S608

    def lead(self, lead_id: str, created_at: str, channel: str = "web", **fields) -> None:
        """A lead that passes the base rules and has two answers unless told otherwise."""
        defaults = {
            "country": "GB",
            "employees": 50,
            "trigger": "t",
            "need": "n",
            "company": "Acme",
            "email": f"{lead_id}@acme.test",
        }
        self._insert(
            "leads", {"lead_id": lead_id, "created_at": created_at, "channel": channel, **defaults, **fields}
        )

    def event(self, lead_id: str, type: str, occurred_at: str, **fields) -> None:
        self._insert(
            "lead_events",
            {
                "event_id": f"e{self._n}",
                "lead_id": lead_id,
                "type": type,
                "occurred_at": occurred_at,
                **fields,
            },
        )

    def cost(self, amount, category: str = "media", **fields) -> None:
        self._insert("costs", {"cost_id": f"c{self._n}", "category": category, "amount": amount, **fields})


@pytest.fixture
def store_for():
    """store_for(agreement) -> Store in that agreement's timezone; call .refresh() after adding rows."""
    opened = []

    def make(agreement) -> Store:
        store = Store(agreement.calendar.timezone)
        store.refresh = lambda: refresh(store.con, agreement)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.con.close()


def rows(table) -> list[tuple]:
    """An Arrow table as tuples (dates as ISO text), for comparing with numbers written by hand."""
    out = []
    for row in table.to_pylist():
        out.append(tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in row.values()))
    return out
