"""The SQL of the per-lead and per-cost facts, filled in from the agreement (derived.py keeps the
tables). They hold what does not depend on `as_of`, so a metric at any `as_of` is a cheap filter.

- `lead_facts`: one row per lead (see sql/lead_facts.sql for the columns), with the journey's
  opportunity stage times (D23) in `journey_stage_<i>_at`, one per opportunity stage the
  agreement's journeys name (`journey_stage_columns`).
- `cost_facts`: included cost rows cut at version changes (sql/cost_facts.sql).
- `fact_versions`, `fact_cost_categories`: the versions' dates and cost policies as tables.
"""

from __future__ import annotations

import functools
import itertools
from datetime import date, timedelta

import duckdb

from netlead._lazy import exp, sqlglot
from netlead.agreement.models import FIXED_STAGES
from netlead.errors import NetleadError
from netlead.metrics import _sql, duplicates

# D3's answer fields: lead_facts.sql records when each was first recorded (column `<name>_at`).
ANSWER_FIELDS = ("trigger", "cost_of_inaction", "decision_makers", "need", "appointment_at")
FIRST_DAY, LAST_DAY = date(1, 1, 1), date(9999, 12, 31)
# Journey stages timed by fixed columns of lead_facts; the others are opportunity stages.
FIXED_KINDS = frozenset(FIXED_STAGES) | {"won"}


@functools.lru_cache(maxsize=16)
def lead_facts_sql(agreement, scope: str | None = None) -> str:
    """The SELECT of lead_facts for one agreement (immutable, so cached by identity: rendering
    takes longer than refreshing a small store), of every lead or of those in `scope`."""
    return _sql.render("lead_facts", lead_placeholders(agreement), scope)


@functools.lru_cache(maxsize=4)
def cost_facts_sql(scope: str | None = None) -> str:
    return _sql.render("cost_facts", scope=scope)


def journey_stage_columns(agreement) -> dict[str, str]:
    """Each opportunity stage the agreement's journeys name, with its lead_facts column."""
    names = [s for v in agreement.versions for s in v.stages if s not in FIXED_KINDS]
    return {name: f"journey_stage_{i}_at" for i, name in enumerate(dict.fromkeys(names))}


def write_versions(con: duckdb.DuckDBPyConnection, agreement) -> None:
    versions = agreement.versions
    con.execute(
        "CREATE OR REPLACE TABLE fact_versions (version_index INTEGER, version INTEGER, "
        "effective_from DATE, effective_to DATE, shared_costs VARCHAR, hash VARCHAR)"
    )
    con.execute("CREATE OR REPLACE TABLE fact_cost_categories (version_index INTEGER, category VARCHAR)")
    rows, categories = [], []
    for index, version in enumerate(versions):
        # T4: the earliest version also governs everything before it.
        start = FIRST_DAY if index == 0 else version.effective_from
        end = (
            versions[index + 1].effective_from - timedelta(days=1) if index + 1 < len(versions) else LAST_DAY
        )
        rows.append((index, version.version, start, end, version.investment.shared_costs, version.hash))
        categories.extend((index, category.strip(" \t\r\n")) for category in version.investment.include)
    con.executemany("INSERT INTO fact_versions VALUES (?, ?, ?, ?, ?, ?)", rows)
    if categories:
        con.executemany("INSERT INTO fact_cost_categories VALUES (?, ?)", categories)


# --- the agreement-dependent SQL of lead_facts -------------------------------------------------


def lead_placeholders(agreement) -> dict:
    versions = agreement.versions
    lists = duplicates.key_lists(versions)
    gaps = [f"duplicate_gap_{index}" for index, _ in lists.values()]
    stages = journey_stage_columns(agreement)
    return {
        "__version_index": _by_version(versions, [exp.Literal.number(i) for i in range(len(versions))]),
        "__rule_index": _by_version(versions, [_rule_index(v, lists) for v in versions]),
        "__duplicate_gap_columns": [
            exp.alias_(exp.func("max", exp.Case().when(
                exp.column("key_list", table="d").eq(index), exp.column("gap", table="d"))), f"duplicate_gap_{index}")
            for index, _ in lists.values()
        ],
        "__duplicate_gaps": [exp.alias_(exp.column(name, table="g"), name) for name in gaps],
        "__stage_firsts": [
            exp.alias_(exp.func("min", exp.Case().when(
                _sql.trim(exp.column("stage", table="s")).eq(exp.Literal.string(name)),
                exp.column("entered_at", table="s"))), column)
            for name, column in stages.items()
        ],
        "__stage_times": [exp.alias_(_not_before_created(exp.column(c, table="s")), c) for c in stages.values()],
        "__stage_columns": [exp.column(c, table="v") for c in stages.values()],
        "__answered_at": _evidence_switch(versions, "r", answered=True),
        "__evidence_at": _evidence_switch(versions, "a", answered=False),
        "__rule_reason": _rule_reason(versions),
    }


def _not_before_created(time: exp.Expression) -> exp.Expression:
    """T3: a time earlier than the lead's created_at is read as created_at."""
    created = exp.column("created_at", table="l")
    return exp.Case().when(time < created, created.copy()).else_(time.copy())


def _by_version(versions, values: list[exp.Expression], created_date: exp.Expression | None = None):
    """CASE choosing values[i] for the version in force on the lead's created local date (T4).
    Consecutive versions with the same SQL share a branch: usually there is no CASE at all."""
    created_date = created_date or exp.cast(exp.column("created_at", table="l"), "date")
    segments: list[tuple[int, exp.Expression]] = []  # (first version index, value), in order
    for index, value in enumerate(values):
        if not segments or segments[-1][1].sql() != value.sql():
            segments.append((index, value))
    if len(segments) == 1:
        return segments[0][1]
    case = exp.Case()
    for index, value in reversed(segments[1:]):
        start = exp.cast(exp.Literal.string(versions[index].effective_from.isoformat()), "date")
        case = case.when(created_date.copy() >= start, value)
    return case.else_(segments[0][1])


def _rule_index(version, lists) -> exp.Expression:
    """The 0-based index of the first subtraction rule the lead matches (D2), or null."""
    case = exp.Case()
    for index, rule in enumerate(version.net.subtract):
        if rule.duplicate is not None:
            name = f"duplicate_gap_{lists[tuple(rule.duplicate.keys)][0]}"
            within = exp.Literal.number(float(rule.duplicate.within_days) * 86400)
            matches = exp.column(name, table="l") <= within
        else:
            # The agreement compiles when/unless with D2's nulls: missing data does not pass.
            matches = sqlglot.parse_one(rule.match_sql("l"), read="duckdb")
        case = case.when(matches, exp.Literal.number(index))
    return case if case.args.get("ifs") else exp.cast(exp.null(), "integer")


def _rule_reason(versions) -> exp.Expression:
    case = exp.Case()
    for v_index, version in enumerate(versions):
        for r_index, rule in enumerate(version.net.subtract):
            case = case.when(
                exp.and_(
                    exp.column("version_index", table="v").eq(v_index),
                    exp.column("rule_index", table="v").eq(r_index),
                ),
                exp.Literal.string(rule.reason),
            )
    return case if case.args.get("ifs") else exp.cast(exp.null(), "varchar")


def _evidence_switch(versions, alias: str, answered: bool) -> exp.Expression:
    """By version (T4): when enough answers were recorded (`answered`), or, from that and the
    appointment, when the evidence became sufficient. Two steps, so the costly first is computed
    once per lead."""
    values = [
        _answered_at(v.net.evidence, alias) if answered else _with_appointment(v.net.evidence, alias)
        for v in versions
    ]
    return _by_version(versions, values, exp.column("created_date", table=alias))


def _answered_at(evidence, alias: str) -> exp.Expression:
    """D3: the min_answers-th earliest recording of the listed answers; null if never."""
    for name in evidence.answers:
        if name not in ANSWER_FIELDS:  # the agreement allows only these; lead_facts.sql has them
            raise NetleadError(f"evidence answer {name!r} is not one of {', '.join(ANSWER_FIELDS)}")
    times = [exp.column(f"{name}_at", table=alias) for name in dict.fromkeys(evidence.answers)]
    needed = evidence.min_answers
    if needed <= 0:
        return exp.column("created_at", table=alias)
    if needed > len(times):
        return exp.cast(exp.null(), "timestamptz")
    return _kth_smallest(times, needed)


def _with_appointment(evidence, alias: str) -> exp.Expression:
    """D3: when an appointment is required, evidence is sufficient once both are recorded."""
    answered = exp.column("answered_at", table=alias)
    if evidence.appointment != "required":
        return answered
    return _all_present_max([answered, exp.column("appointment_at_at", table=alias)])


def _all_present_max(values: list[exp.Expression]) -> exp.Expression:
    """The greatest of the values, or null when any is null (GREATEST alone skips nulls)."""
    if len(values) == 1:
        return values[0].copy()
    any_null = exp.or_(*[v.copy().is_(exp.null()) for v in values])
    return exp.Case().when(any_null, exp.null()).else_(exp.func("greatest", *[v.copy() for v in values]))


def _kth_smallest(times: list[exp.Expression], k: int) -> exp.Expression:
    """The k-th smallest non-null value of a few columns, in plain SQL: the least, over every k of
    them, of their greatest (null when one of the k is null; LEAST skips nulls in DuckDB,
    PostgreSQL and Spark). At most six subsets for D3's four answers."""
    subsets = itertools.combinations(times, k)
    return exp.func("least", *[_all_present_max(list(subset)) for subset in subsets])
