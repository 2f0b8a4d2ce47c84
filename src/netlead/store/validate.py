"""Parse and check an import's rows (a Source: a file read as text, or a staged table), set-wise,
into PARSED: the canonical columns typed, the extra columns gathered into `attributes`, and for
each row that fails a check `_bad` and its `_problems` (column, value, reason). One SQL statement
over the source's rows; no Python per row."""

# ruff: noqa: S608 - SQL is generated here: identifiers only through ident() and constants through
# literal() (both SQLGlot), values from files only as bound parameters.

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from netlead.store.columns import (
    COLUMNS,
    CONTENT_KEYED,
    DATE,
    EVENT_TYPE,
    EVENT_TYPES,
    INSTANT,
    MONEY,
    STATUS,
    STATUSES,
    TEXT,
    WHOLE,
)
from netlead.store.reading import Source, ident, literal

PARSED = "_nl_parsed"

TIMESTAMP_REASON = "not a timestamp (ISO 8601 expected, e.g. 2026-03-01T09:30:00+00:00 or 2026-03-01)"
DATE_REASON = "not a date (YYYY-MM-DD expected, e.g. 2026-03-01)"
NUMBER_REASON = "not a number (a decimal like 1234.50 expected: no thousands separators or currency signs)"
DECIMALS_REASON = "more than 4 decimal places (amounts are kept exact, never rounded)"
LARGE_REASON = "too large (at most 14 digits before the decimal point)"
WHOLE_REASON = "not a whole number (e.g. 250)"
MISSING_REASON = "required value missing"


@dataclass(frozen=True)
class VersionCodes:
    """The outcome codes of one agreement version, in force from `effective_from` (T4)."""
    effective_from: dt.date
    version: int
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    """What validation needs from the agreement."""
    currency: str
    versions: tuple[VersionCodes, ...]  # sorted by effective_from


def place_sql(alias: str) -> str:
    """A row's place in the source: its row number when the source gives one, else its position
    (PARSED stores rows in the source's order)."""
    return f"coalesce({alias}._row, {alias}.rowid + 1)"


def rules_from(agreement) -> Rules:
    """The Rules of an Agreement (netlead.agreement), read by attribute so that tests can pass any
    object of the same shape."""
    versions = sorted(agreement.versions, key=lambda v: v.effective_from)
    return Rules(
        currency=str(agreement.currency).upper(),
        versions=tuple(
            VersionCodes(v.effective_from, v.version, tuple(c.code for c in v.outcome_codes))
            for v in versions
        ),
    )


def _clean(sql: str) -> str:
    """Trim spaces, tabs, CR and LF at both ends (D4); blank is null. trim() with a character set
    costs a new string per value, so it runs only where an end actually is whitespace."""
    return (f"nullif(CASE WHEN ascii({sql}) <= 32 OR ascii(right({sql}, 1)) <= 32 "
            f"THEN trim({sql}, ' \t\r\n') ELSE {sql} END, '')")


def _txt(name: str) -> str:
    return ident(f"txt:{name}")


def _typed(column) -> str:
    """The parsed value of a canonical column from its trimmed text (null when it does not parse)."""
    t = _txt(column.name)
    if column.type == INSTANT:
        # ISO 8601 only: DuckDB would also take 'epoch', 'infinity' and 2026-3-1.
        return (f"CASE WHEN regexp_full_match({t}, '\\d{{4}}-\\d\\d-\\d\\d([T ].*)?') "
                f"THEN try_cast({t} AS TIMESTAMPTZ) END")
    if column.type == DATE:
        return f"CASE WHEN regexp_full_match({t}, '\\d{{4}}-\\d\\d-\\d\\d') THEN try_cast({t} AS DATE) END"
    if column.type == MONEY:
        # At most 4 decimals, not counting trailing zeros (a Parquet DECIMAL(18, 6) prints 12.500000).
        return (f"CASE WHEN regexp_full_match({t}, '[+-]?([0-9]+(\\.[0-9]{{0,4}}0*)?|\\.[0-9]{{1,4}}0*)') "
                f"THEN try_cast({t} AS DECIMAL(18, 4)) END")
    if column.type == WHOLE:
        return f"CASE WHEN regexp_full_match({t}, '[0-9]+') THEN try_cast({t} AS BIGINT) END"
    if column.type in (EVENT_TYPE, STATUS):
        allowed = EVENT_TYPES if column.type == EVENT_TYPE else STATUSES
        return f"CASE WHEN lower({t}) IN ({', '.join(map(literal, allowed))}) THEN lower({t}) END"
    if column.name == "currency":
        return f"upper({t})"
    return t


def _column_check(column) -> str | None:
    """SQL giving the reason the column's text is refused, or null."""
    t, v = _txt(column.name), ident(column.name)
    bad_text = f"{t} IS NOT NULL AND {v} IS NULL"
    if column.type == INSTANT:
        return f"CASE WHEN {bad_text} THEN {literal(TIMESTAMP_REASON)} END"
    if column.type == DATE:
        return f"CASE WHEN {bad_text} THEN {literal(DATE_REASON)} END"
    if column.type == WHOLE:
        return f"CASE WHEN {bad_text} THEN {literal(WHOLE_REASON)} END"
    if column.type == MONEY:
        return (f"CASE WHEN NOT ({bad_text}) THEN NULL "
                f"WHEN NOT regexp_full_match({t}, '[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)') "
                f"THEN {literal(NUMBER_REASON)} "
                f"WHEN length(rtrim(regexp_extract({t}, '\\.([0-9]*)$', 1), '0')) > 4 THEN {literal(DECIMALS_REASON)} "
                f"ELSE {literal(LARGE_REASON)} END")
    if column.type in (EVENT_TYPE, STATUS):
        allowed = EVENT_TYPES if column.type == EVENT_TYPE else STATUSES
        what = "event type" if column.type == EVENT_TYPE else "status"
        return f"CASE WHEN {bad_text} THEN {literal(f'unknown {what}: one of ' + ', '.join(allowed))} END"
    return None


def _row_checks(kind: str, rules: Rules) -> list[tuple[str, str, str]]:
    """(column, value SQL, reason-or-null SQL) for checks across columns of a row."""
    if kind == "lead_events":
        return [("outcome_code", _txt("outcome_code"), _outcome_check(rules))]
    if kind == "opportunities":
        return [("gross_profit", _txt("gross_profit"),
                 "CASE WHEN status = 'won' AND gross_profit IS NULL AND revenue IS NULL "
                 "AND \"txt:gross_profit\" IS NULL AND \"txt:revenue\" IS NULL THEN "
                 + literal("a won opportunity needs gross_profit, or revenue (with cogs, or the "
                           "agreement's default_margin) (D12)") + " END")]
    if kind == "costs":
        other_currency = f" is not the agreement's ({rules.currency}): costs are not converted"
        has_date, has_start, has_end = (f"({_txt(c)} IS NOT NULL)" for c in ("date", "period_start", "period_end"))
        return [
            ("currency", _txt("currency"),
             f"CASE WHEN currency IS NOT NULL AND currency <> {literal(rules.currency)} THEN 'currency ' "
             f"|| currency || {literal(other_currency)} END"),
            ("date", _txt("date"),
             f"CASE WHEN {has_date} AND ({has_start} OR {has_end}) "
             f"THEN {literal('give either date, or period_start and period_end, not both')} "
             f"WHEN NOT {has_date} AND NOT {has_start} AND NOT {has_end} "
             f"THEN {literal('a cost needs a date, or period_start and period_end')} END"),
            ("period_end", _txt("period_end"),
             f"CASE WHEN NOT {has_date} AND {has_start} <> {has_end} "
             f"THEN {literal('period_start and period_end go together')} "
             "WHEN period_end < period_start THEN "
             + literal("period_end is before period_start") + " END"),
        ]
    return []


def _outcome_check(rules: Rules) -> str:
    """An outcome event's code must be one of the codes of the agreement version in force on the
    event's local date (T4; the earliest version also governs before it). The versions are few,
    so their date ranges are written into the SQL as a CASE."""
    local_date = "CAST(occurred_at AS DATE)"
    branches = []
    for i, v in enumerate(rules.versions):
        allowed = ", ".join(v.codes)
        reason = (f"not an outcome code of agreement version {v.version} "
                  f"(in force from {v.effective_from.isoformat()}): one of {allowed}")
        test = f"outcome_code NOT IN ({', '.join(map(literal, v.codes))})"
        if i + 1 < len(rules.versions):
            until = rules.versions[i + 1].effective_from.isoformat()
            branches.append(f"WHEN {local_date} < DATE {literal(until)} AND {test} THEN {literal(reason)} "
                            f"WHEN {local_date} < DATE {literal(until)} THEN NULL")
        else:
            branches.append(f"WHEN {test} THEN {literal(reason)}")
    return (f"CASE WHEN type IS DISTINCT FROM 'outcome' OR occurred_at IS NULL THEN NULL "
            f"WHEN outcome_code IS NULL THEN {literal('an outcome event needs an outcome_code')} "
            f"{' '.join(branches)} END")


def parse(con, kind: str, source: Source, rules: Rules, only_bad: bool = False) -> list[str]:
    """Create PARSED from the source's rows; returns the attribute (extra column) names. Rows are
    stored in the source's order, so a file's row number can be told from `rowid` later. With
    `only_bad`, PARSED keeps only the refused rows, each with its `_position` among the rows read."""
    sql, attributes = parsed_select(kind, source, rules, only_bad)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {PARSED} AS {sql}", list(source.params))
    return attributes


def parsed_select(kind: str, source: Source, rules: Rules, only_bad: bool = False) -> tuple[str, list[str]]:
    """The SELECT parsing and checking the source's rows (bound parameters: source.params), and
    the attribute names. Columns: `_row`, the canonical columns typed, `attributes`, `_bad`,
    `_repeat`, `_conflict_key`, `_conflict`, `_problems` (list of column_name, value, reason)."""
    canonical = COLUMNS[kind]
    names = {c.name for c in canonical}
    attributes = [c for c in source.columns if c not in names]

    def text(name: str) -> str:
        return _clean(f"CAST(s.{ident(source.columns[name])} AS VARCHAR)")

    text_cols = [
        f"{text(c.name) if c.name in source.columns else 'NULL::VARCHAR'} AS {_txt(c.name)}"
        for c in canonical
    ]
    attr_cols = [f"{text(a)} AS {ident('attr:' + a)}" for a in attributes]
    typed_cols = [f"{_typed(c)} AS {ident(c.name)}" for c in canonical]
    attributes_sql = (
        "json_object(" + ", ".join(f"{literal(a)}, {ident('attr:' + a)}" for a in attributes) + ")"
        if attributes else "NULL::JSON"
    )

    checks: list[tuple[str, str, str]] = []
    for c in canonical:
        if c.required:
            checks.append((c.name, _txt(c.name), f"CASE WHEN {_txt(c.name)} IS NULL THEN {literal(MISSING_REASON)} END"))
        check = _column_check(c)
        if check:
            checks.append((c.name, _txt(c.name), check))
    checks.extend(_row_checks(kind, rules))

    reasons = [f"{sql} AS {ident(f'err:{i}')}" for i, (_, _, sql) in enumerate(checks)]
    bad = " OR ".join(f"{ident(f'err:{i}')} IS NOT NULL" for i in range(len(checks)))
    problems = ", ".join(
        f"{{'column_name': {literal(col)}, 'value': {value}, 'reason': {ident(f'err:{i}')}}}"
        for i, (col, value, _) in enumerate(checks)
    )
    output = ", ".join(ident(c.name) for c in canonical)
    row = f"CAST({source.row} AS BIGINT)" if source.row else "NULL::BIGINT"
    # row_number() OVER () numbers the rows in the order read; it costs a little, so it is used
    # only when the refused rows are kept alone (their rowid in PARSED is then not their position).
    position = "row_number() OVER ()" if only_bad and not source.row else "NULL::BIGINT"
    sql = f"""
        WITH t AS (SELECT {row} AS _row, {position} AS _position, {', '.join(text_cols + attr_cols)}
                   FROM {source.sql} s),
             p AS (SELECT t.*, {', '.join(typed_cols)}, {attributes_sql} AS attributes FROM t),
             c AS (SELECT p.*, {', '.join(reasons)} FROM p)
        SELECT _row, _position, {output}, attributes, ({bad}) AS _bad, false AS _repeat,
               NULL::VARCHAR AS _conflict_key, NULL::VARCHAR AS _conflict,
               CASE WHEN {bad} THEN list_filter([{problems}], lambda x: x.reason IS NOT NULL) END AS _problems
        FROM c {'WHERE ' + bad if only_bad else ''}"""
    return sql, attributes


def content_hash_sql(kind: str, alias: str = "") -> str:
    """md5 of a row's parsed values (its content), for rows keyed by content and for telling apart
    rows of one file that share a key. Instants by their epoch, so the session zone cannot change it."""
    prefix = f"{alias}." if alias else ""
    parts = []
    for c in COLUMNS[kind]:
        if kind in CONTENT_KEYED and c.name == CONTENT_KEYED[kind]:
            continue
        v = f"{prefix}{ident(c.name)}"
        text = f"CAST(epoch_us({v}) AS VARCHAR)" if c.type == INSTANT else (
            v if c.type in (TEXT, EVENT_TYPE, STATUS) else f"CAST({v} AS VARCHAR)")
        parts.append(f"coalesce({text}, chr(0))")
    parts.append(f"coalesce(CAST({prefix}attributes AS VARCHAR), chr(0))")
    return f"md5(concat_ws(chr(31), {', '.join(parts)}))"
