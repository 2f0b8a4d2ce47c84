"""D2's duplicate rule as two derived tables, kept with the other facts (facts.py):

- `lead_keys(lead_id, created_at, duplicate_key_<j>...)`: one row per lead with the normalised
  value of every key the agreement's duplicate rules name (trimmed, lower-case, empty is null);
- `duplicate_gaps(lead_id, key_list, gap)`: for each distinct key list of the rules (`key_list`,
  0-based) and each lead with an earlier lead of the same values, the seconds since the closest
  one, when within the longest window of the rules using that list. lead_facts reads it.

A lead's gap depends on every lead sharing its values, so an import that changes leads recomputes
the gaps of all the leads sharing a key list's values, old or new, with a changed lead (an earlier
lead arriving can make a later one a duplicate; a changed email can free one). Sorting those
leads by (values, created_at, lead_id) puts the closest earlier lead right before each, so LAG
suffices (a chain A, B, C is judged on B); only leads whose values are shared go through the sort.
"""

from __future__ import annotations

import duckdb

from netlead._lazy import exp
from netlead.agreement.conditions import CANONICAL_COLUMNS
from netlead.metrics import _sql

KEYS, GAPS = "lead_keys", "duplicate_gaps"
GROUPS, CANDIDATES = "_nl_duplicate_groups", "_nl_duplicate_candidates"


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


def key_names(versions) -> dict[str, str]:
    """Each key the duplicate rules name, with its lead_keys column."""
    names = [k for v in versions for r in v.net.subtract if r.duplicate is not None for k in r.duplicate.keys]
    return {name: f"duplicate_key_{j}" for j, name in enumerate(dict.fromkeys(names))}


def key_lists(versions) -> dict[tuple[str, ...], tuple[int, float]]:
    """Each distinct key list of the duplicate rules: its index and the longest window (seconds)
    of the rules using it."""
    lists: dict[tuple[str, ...], float] = {}
    for version in versions:
        for rule in version.net.subtract:
            if rule.duplicate is not None:
                keys = tuple(rule.duplicate.keys)
                lists[keys] = max(lists.get(keys, 0.0), float(rule.duplicate.within_days) * 86400)
    return {keys: (index, within) for index, (keys, within) in enumerate(lists.items())}


def rebuild(con: duckdb.DuckDBPyConnection, agreement) -> None:
    """Both tables from every lead."""
    con.execute(_create(KEYS, _keys_select(agreement.versions)))
    con.execute(f"CREATE OR REPLACE TABLE {GAPS} (lead_id VARCHAR, key_list INTEGER, gap DOUBLE)")
    names = key_names(agreement.versions)
    for keys, (index, within) in key_lists(agreement.versions).items():
        columns = [names[k] for k in keys]
        # Values held by one lead give no gap: only the shared ones are sorted.
        shared = (
            exp.select(*columns).from_(KEYS).where(_present(columns)).group_by(*columns)
            .having(exp.Count(this=exp.Star()) > 1)
        )
        con.execute(_create(GROUPS, shared, temporary=True))
        con.execute(_insert(GAPS, _gaps(index, within, columns, _in_groups(columns).subquery("k"))))
    con.execute(f"DROP TABLE IF EXISTS {GROUPS}")


def update(con: duckdb.DuckDBPyConnection, agreement, changed: str, scope: str) -> None:
    """Bring both tables up to date with the leads in `changed` (a table of `id`s: leads whose
    rows an import loaded or replaced), and add to `scope` (a table of `id`s) every lead whose gap
    was recomputed."""
    names = key_names(agreement.versions)
    lists = key_lists(agreement.versions)
    changed_ids = exp.select("id").from_(changed)
    # The values the changed leads held before (lead_keys as it stands) and hold now.
    for keys, (index, _) in lists.items():
        columns = [names[k] for k in keys]
        new_keys = _keys_select(agreement.versions).where(exp.column("lead_id", table="l").isin(query=changed_ids))
        old_keys = exp.select(*columns).from_(KEYS).where(exp.column("lead_id").isin(query=changed_ids.copy()))
        values = exp.union(old_keys, exp.select(*columns).from_(new_keys.subquery("n")), distinct=True)
        held = exp.select(*columns).from_(values.subquery("v")).where(_present(columns))
        con.execute(_create(f"{GROUPS}_{index}", held, temporary=True))
    con.execute(f"DELETE FROM {KEYS} WHERE lead_id IN (SELECT id FROM {changed})")  # noqa: S608 - our names
    con.execute(_insert(KEYS, _keys_select(agreement.versions).where(
        exp.column("lead_id", table="l").isin(query=exp.select("id").from_(changed)))))
    for keys, (index, within) in lists.items():
        columns = [names[k] for k in keys]
        groups = f"{GROUPS}_{index}"
        con.execute(_create(CANDIDATES, _in_groups(columns, groups), temporary=True))
        con.execute(f"DELETE FROM {GAPS} WHERE key_list = ? "  # noqa: S608 - our names
                    f"AND lead_id IN (SELECT lead_id FROM {CANDIDATES})", [index])
        con.execute(_insert(GAPS, _gaps(index, within, columns, exp.to_table(CANDIDATES).as_("k"))))
        con.execute(f"INSERT INTO {scope} SELECT lead_id FROM {CANDIDATES}")  # noqa: S608 - our names
        con.execute(f"DROP TABLE {CANDIDATES}")
        con.execute(f"DROP TABLE {groups}")


def _keys_select(versions) -> exp.Select:
    keys = [exp.alias_(normalised_key(name), column) for name, column in key_names(versions).items()]
    return exp.select(exp.column("lead_id", table="l"), exp.column("created_at", table="l"), *keys).from_(
        exp.to_table("leads").as_("l")
    )


def _present(columns: list[str]) -> exp.Expression:
    return exp.and_(*[exp.column(c).is_(exp.null()).not_() for c in columns])


def _in_groups(columns: list[str], groups: str = GROUPS) -> exp.Select:
    """The lead_keys rows holding the values of a row of `groups`."""
    on = exp.and_(*[exp.column(c, table="k").eq(exp.column(c, table="g")) for c in columns])
    return (
        exp.select(exp.column("lead_id", table="k"), exp.column("created_at", table="k"),
                   *[exp.column(c, table="k") for c in columns])
        .from_(exp.to_table(KEYS).as_("k"))
        .join(exp.to_table(groups).as_("g"), on=on)
    )


def _gaps(index: int, within: float, columns: list[str], candidates: exp.Expression) -> exp.Select:
    """(lead_id, key_list, gap) for the candidates (relation `k`) whose closest earlier lead with
    the same values is within `within` seconds."""
    order = exp.Order(expressions=[exp.Ordered(this=exp.column(c, table="k")) for c in [*columns, "created_at", "lead_id"]])

    def previous(column: str) -> exp.Expression:
        return exp.Window(this=exp.func("lag", exp.column(column, table="k")), order=order.copy())

    same = exp.and_(*[exp.column(c, table="k").eq(previous(c)) for c in columns])
    seconds = exp.Sub(this=exp.func("epoch", exp.column("created_at", table="k")),
                      expression=exp.func("epoch", previous("created_at")))
    gaps = exp.select(exp.column("lead_id", table="k"), exp.alias_(exp.Case().when(same, seconds), "gap")).from_(candidates)
    return (
        exp.select(exp.column("lead_id", table="d"), exp.alias_(exp.Literal.number(index), "key_list"),
                   exp.column("gap", table="d"))
        .from_(gaps.subquery("d"))
        .where(exp.column("gap", table="d") <= exp.Literal.number(within))
    )


def _create(table: str, query: exp.Expression, temporary: bool = False) -> str:
    properties = exp.Properties(expressions=[exp.TemporaryProperty()]) if temporary else None
    return exp.Create(this=exp.to_table(table), kind="TABLE", expression=query, replace=True,
                      properties=properties).sql(dialect="duckdb")


def _insert(table: str, query: exp.Expression) -> str:
    return exp.Insert(this=exp.to_table(table), expression=query).sql(dialect="duckdb")
