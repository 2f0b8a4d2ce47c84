"""The derived tables the metrics read, rebuilt by `refresh` after every import and whenever the
agreement's versions change. They hold what does not depend on `as_of`, so a metric at any `as_of`
is a cheap filter over them.

- `lead_facts`: one row per lead (see sql/lead_facts.sql for the columns).
- `cost_facts`: included cost rows cut at version changes (sql/cost_facts.sql).
- `fact_versions`, `fact_cost_categories`: the versions' dates and cost policies as tables.
"""

from __future__ import annotations

import functools
import itertools
from datetime import date, timedelta

import duckdb

from netlead._lazy import exp, sqlglot
from netlead.agreement.conditions import CANONICAL_COLUMNS
from netlead.errors import NetleadError
from netlead.metrics import _sql

# D3's answer fields: lead_facts.sql records when each was first recorded (column `<name>_at`).
ANSWER_FIELDS = ("trigger", "cost_of_inaction", "decision_makers", "need", "appointment_at")
FIRST_DAY, LAST_DAY = date(1, 1, 1), date(9999, 12, 31)


def refresh(con: duckdb.DuckDBPyConnection, agreement) -> None:
    """(Re)build the metric facts from the canonical tables, inside the caller's transaction.

    The connection's TimeZone must be the agreement's: local dates (T1) are CAST(instant AS DATE).
    """
    timezone = con.execute("SELECT current_setting('TimeZone')").fetchall()[0][0]
    if timezone != agreement.calendar.timezone:
        raise NetleadError(
            f"the connection's TimeZone is {timezone}, the agreement's is {agreement.calendar.timezone}",
            "open the store with netlead.store.connect(path, agreement.calendar.timezone)",
        )
    _write_versions(con, agreement)
    for statement in _statements(agreement):
        con.execute(statement)
    from netlead.metrics import cohort_facts, journey_facts  # they read lead_facts: built after them

    cohort_facts.refresh(con, agreement)
    journey_facts.refresh(con, agreement)


@functools.lru_cache(maxsize=8)
def _statements(agreement) -> tuple[str, ...]:
    """The refresh SQL of one agreement (immutable, so cached by identity: rendering takes longer
    than refreshing a small store)."""
    return (
        _sql.render("cost_facts"),
        duplicate_gaps_sql(agreement.versions),
        _sql.render("lead_facts", lead_placeholders(agreement)),
        "DROP TABLE duplicate_gaps",
    )


def ensure(con: duckdb.DuckDBPyConnection, agreement) -> None:
    """Build the facts when they are missing (a store nothing was imported into yet) or were built
    under other agreement versions, so a metric never reads facts of another agreement. Keeping
    them current with the data is the importer's part (refresh after every import)."""
    built = con.execute(
        "SELECT COUNT(*) FROM information_schema.tables "
        "WHERE table_name IN ('lead_facts', 'cost_facts', 'fact_versions')"
    ).fetchall()[0][0]
    if built == 3:
        hashes = [
            h for (h,) in con.execute("SELECT hash FROM fact_versions ORDER BY version_index").fetchall()
        ]
        if hashes == [v.hash for v in agreement.versions]:
            return
    refresh(con, agreement)


def _write_versions(con: duckdb.DuckDBPyConnection, agreement) -> None:
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
    gaps = _duplicate_keys(versions)
    return {
        "__version_index": _by_version(versions, [exp.Literal.number(i) for i in range(len(versions))]),
        "__rule_index": _by_version(versions, [_rule_index(v, gaps) for v in versions]),
        "__duplicate_gaps": [exp.alias_(exp.column(name, table="g"), name) for name in gaps.values()],
        "__answered_at": _evidence_switch(versions, "r", answered=True),
        "__evidence_at": _evidence_switch(versions, "a", answered=False),
        "__rule_reason": _rule_reason(versions),
    }


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


def key_column(name: str, alias: str = "l") -> exp.Expression:
    """A lead field by name: a canonical column, else the attribute of that name (text)."""
    if name in CANONICAL_COLUMNS:
        return exp.column(name, table=alias)
    # As the agreement's conditions read attributes: text inside the lead's JSON object.
    path = exp.JSONPath(expressions=[exp.JSONPathRoot(), exp.JSONPathKey(this=name)])
    return exp.JSONExtractScalar(this=exp.column("attributes", table=alias), expression=path)


def normalised_key(name: str, alias: str = "l") -> exp.Expression:
    """D2: trimmed, lower-case text; empty is null (an empty or null key never matches)."""
    text = _sql.trim(exp.cast(key_column(name, alias), "varchar"))
    return exp.func("nullif", exp.Lower(this=text), exp.Literal.string(""))


def _duplicate_keys(versions) -> dict[tuple[str, ...], str]:
    """Each distinct key list of the duplicate rules and the duplicate_gaps column for it."""
    keys = [tuple(r.duplicate.keys) for v in versions for r in v.net.subtract if r.duplicate is not None]
    return {k: f"duplicate_gap_{i}" for i, k in enumerate(dict.fromkeys(keys))}


def duplicate_gaps_sql(versions) -> str:
    """D2: a table `duplicate_gaps(lead_id, duplicate_gap_<i>...)` of seconds since the closest
    earlier lead with the same normalised keys, for the leads where that is within some rule's
    window. Sorting the leads by (keys, created_at, lead_id) puts that closest earlier lead right
    before each, so LAG suffices (a chain A, B, C is judged on B). In DuckDB one sort of only the
    leads whose keys repeat measured several times faster than a window partitioned by the keys."""
    columns = _duplicate_keys(versions)
    parts = []
    for keys, name in columns.items():
        within = max(
            r.duplicate.within_days
            for v in versions
            for r in v.net.subtract
            if r.duplicate is not None and tuple(r.duplicate.keys) == keys
        )
        names = [f"key_{j}" for j in range(len(keys))]
        keyed = exp.select(
            exp.column("lead_id", table="l"),
            exp.column("created_at", table="l"),
            *[exp.alias_(normalised_key(k), n) for k, n in zip(keys, names, strict=True)],
        ).from_(exp.to_table("leads").as_("l"))
        present = exp.and_(*[exp.column(n, table="k").is_(exp.null()).not_() for n in names])
        # Most keys belong to one lead: only the leads whose keys repeat go through the sort.
        repeated = (
            exp.select(*[exp.column(n, table="k") for n in names])
            .from_(exp.to_table("keyed").as_("k"))
            .where(present)
            .group_by(*[exp.column(n, table="k") for n in names])
            .having(exp.Count(this=exp.Star()) > 1)
            .subquery("r")
        )
        candidates = (
            exp.select(
                exp.column("lead_id", table="k"),
                exp.column("created_at", table="k"),
                *[exp.column(n, table="k") for n in names],
            )
            .from_(exp.to_table("keyed").as_("k"))
            .join(
                repeated, on=exp.and_(*[exp.column(n, table="k").eq(exp.column(n, table="r")) for n in names])
            )
            .subquery("k")
        )
        order = exp.Order(
            expressions=[
                exp.Ordered(this=exp.column(c, table="k")) for c in [*names, "created_at", "lead_id"]
            ]
        )

        def previous(column: str, order: exp.Order = order) -> exp.Expression:
            return exp.Window(this=exp.func("lag", exp.column(column, table="k")), order=order.copy())

        same = exp.and_(*[exp.column(n, table="k").eq(previous(n)) for n in names])
        seconds = exp.Sub(
            this=exp.func("epoch", exp.column("created_at", table="k")),
            expression=exp.func("epoch", previous("created_at")),
        )
        gaps = (
            exp.select(exp.column("lead_id", table="k"), exp.alias_(exp.Case().when(same, seconds), "gap"))
            .from_(candidates)
            .with_("keyed", as_=keyed)
        )
        # UNION ALL is positional: every part lists every gap column in the same order.
        values = [
            exp.alias_(exp.column("gap", table="d") if c == name else exp.cast(exp.null(), "double"), c)
            for c in columns.values()
        ]
        parts.append(
            exp.select(exp.column("lead_id", table="d"), *values)
            .from_(gaps.subquery("d"))
            .where(exp.column("gap", table="d") <= exp.Literal.number(within * 86400))
        )
    if not parts:
        query = exp.select("lead_id").from_("leads").where(exp.false())
    elif len(parts) == 1:
        query = parts[0]
    else:
        # A lead may be near a duplicate under several key lists: one row each, then combined.
        union = parts[0]
        for part in parts[1:]:
            union = exp.union(union, part, distinct=False)
        query = (
            exp.select("lead_id", *[exp.alias_(exp.func("max", exp.column(c)), c) for c in columns.values()])
            .from_(union.subquery("u"))
            .group_by("lead_id")
        )
    create = exp.Create(
        this=exp.to_table("duplicate_gaps"),
        kind="TABLE",
        expression=query,
        replace=True,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    )
    return create.sql(dialect="duckdb")


def _rule_index(version, gaps) -> exp.Expression:
    """The 0-based index of the first subtraction rule the lead matches (D2), or null."""
    case = exp.Case()
    for index, rule in enumerate(version.net.subtract):
        if rule.duplicate is not None:
            name = gaps[tuple(rule.duplicate.keys)]
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
