"""The canonical columns of each kind of file (SPEC "Data in"): name, type, whether required, and
the key. Importers, CRM mappings and the agreement's known-column check all read this one list."""

from __future__ import annotations

from dataclasses import dataclass

# How a column's text is read. `text` is kept as trimmed text; the others are parsed and checked.
TEXT, INSTANT, DATE, MONEY, WHOLE, EVENT_TYPE, STATUS = (
    "text", "instant", "date", "money", "whole", "event_type", "status"
)

EVENT_TYPES = ("qualified", "issued", "responded", "outcome", "recycled")
STATUSES = ("open", "won", "lost")


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = False


def _columns(*specs: str | tuple[str, str]) -> tuple[Column, ...]:
    """`"*name"` is required; a tuple gives the type."""
    out = []
    for spec in specs:
        name, type_ = spec if isinstance(spec, tuple) else (spec, TEXT)
        out.append(Column(name.lstrip("*"), type_, name.startswith("*")))
    return tuple(out)


ANSWER_FIELDS = ("trigger", "cost_of_inaction", "decision_makers", "need", "appointment_at")

COLUMNS: dict[str, tuple[Column, ...]] = {
    "leads": _columns(
        "*lead_id", ("*created_at", INSTANT), "*channel", "campaign", "account_type", "account_owner",
        "email", "company", "domain", "country", "industry", ("employees", WHOLE), *ANSWER_FIELDS,
        "intent",
    ),
    "lead_events": _columns(
        "event_id", "*lead_id", ("*type", EVENT_TYPE), ("*occurred_at", INSTANT), "rep_id",
        "outcome_code", "note", *ANSWER_FIELDS,
    ),
    "opportunities": _columns(
        "*opportunity_id", "lead_id", ("*created_at", INSTANT), "stage", ("*status", STATUS),
        ("closed_at", INSTANT), ("revenue", MONEY), ("gross_profit", MONEY), ("cogs", MONEY),
        "account_type",
    ),
    "opportunity_stages": _columns("*opportunity_id", "*stage", ("*entered_at", INSTANT)),
    "costs": _columns(
        "cost_id", "*category", ("*amount", MONEY), ("date", DATE), ("period_start", DATE),
        ("period_end", DATE), "channel", "currency", "vendor", "note",
    ),
}

KINDS: tuple[str, ...] = tuple(COLUMNS)

# The key of each kind. For lead_events and costs the id is optional: a row without it is keyed
# by its content (`CONTENT_KEYED`), see validate.py.
KEYS: dict[str, tuple[str, ...]] = {
    "leads": ("lead_id",),
    "lead_events": ("event_id",),
    "opportunities": ("opportunity_id",),
    "opportunity_stages": ("opportunity_id", "stage", "entered_at"),
    "costs": ("cost_id",),
}
CONTENT_KEYED = {"lead_events": "event_id", "costs": "cost_id"}


def required(kind: str) -> list[str]:
    return [c.name for c in COLUMNS[kind] if c.required]
