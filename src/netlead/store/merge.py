"""Keys, conflicts, quarantine and the merge of PARSED into a canonical table (SPEC "Data in")."""

# ruff: noqa: S608 - SQL is generated here: identifiers only through ident() and constants through
# literal() (both SQLGlot), values from files only as bound parameters.

from __future__ import annotations

from netlead.store import db
from netlead.store.columns import COLUMNS, CONTENT_KEYED, KEYS
from netlead.store.reading import REJECTS, ident, literal, number_rows
from netlead.store.validate import PARSED, content_hash_sql, place_sql

# The rows to load; `_id` (rowid) identifies a row of PARSED, whose `_row` may not be known.
GOOD = f"(SELECT rowid AS _id, * FROM temp.{PARSED} WHERE NOT _bad AND NOT _repeat)"


def _keys(kind: str) -> str:
    return ", ".join(ident(k) for k in KEYS[kind])


def _key_match(kind: str, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{ident(k)} = {right}.{ident(k)}" for k in KEYS[kind])


def assign_content_keys(con, kind: str) -> int:
    """Key rows without an id by content: 'h:' || md5 || ':' || occurrence among identical rows of
    the file, so two identical cost lines are two costs and importing the file again matches both.
    Returns how many rows were keyed so."""
    id_column = CONTENT_KEYED.get(kind)
    if id_column is None:
        return 0
    id_sql = ident(id_column)
    count = con.execute(
        f"SELECT count(*) FROM temp.{PARSED} WHERE {id_sql} IS NULL AND NOT _bad"
    ).fetchone()[0]
    if count:
        con.execute(f"""
            UPDATE temp.{PARSED} SET {id_sql} = 'h:' || k.h || ':' || k.occurrence
            FROM (SELECT position, h, row_number() OVER (PARTITION BY h ORDER BY place) AS occurrence
                  FROM (SELECT p.rowid AS position, {place_sql('p')} AS place, {content_hash_sql(kind, 'p')} AS h
                        FROM temp.{PARSED} p WHERE p.{id_sql} IS NULL AND NOT p._bad)) k
            WHERE {PARSED}.rowid = k.position""")
    return count


def resolve_repeats(con, kind: str) -> tuple[int, int]:
    """Rows of the file sharing a key: exact repeats load once (`_repeat`); rows that differ are
    all quarantined as a conflict. Returns (repeats dropped, rows in conflict)."""
    keys = _keys(kind)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _nl_dupkeys AS
        SELECT {keys} FROM temp.{PARSED} WHERE NOT _bad GROUP BY ALL HAVING count(*) > 1""")
    if not con.execute("SELECT count(*) FROM temp._nl_dupkeys").fetchone()[0]:
        return 0, 0
    key_text = " || ' / ' || ".join(f"CAST(p.{ident(k)} AS VARCHAR)" for k in KEYS[kind])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _nl_dups AS
        SELECT p.rowid AS position, {key_text} AS key_text,
               count(DISTINCT {content_hash_sql(kind, 'p')}) OVER (PARTITION BY {key_text}) AS variants,
               count(*) OVER (PARTITION BY {key_text}) AS n,
               p.rowid = arg_min(p.rowid, {place_sql('p')})
                   OVER (PARTITION BY {key_text}) AS first
        FROM temp.{PARSED} p JOIN temp._nl_dupkeys USING ({keys})
        WHERE NOT p._bad""")
    con.execute(f"""
        UPDATE temp.{PARSED} SET _repeat = true
        FROM temp._nl_dups d WHERE {PARSED}.rowid = d.position AND d.variants = 1 AND NOT d.first""")
    # Only flat columns are updated: DuckDB moves a row whose list column is updated, and rowid
    # (the row's position) must stay put.
    con.execute(f"""
        UPDATE temp.{PARSED}
        SET _bad = true, _conflict_key = d.key_text,
            _conflict = 'conflict: ' || d.n || ' rows of this file share this key but differ '
                        || '(all are quarantined; keep one)'
        FROM temp._nl_dups d WHERE {PARSED}.rowid = d.position AND d.variants > 1""")
    repeats, conflicts = con.execute(
        "SELECT count(*) FILTER (variants = 1 AND NOT first), count(*) FILTER (variants > 1) "
        "FROM temp._nl_dups"
    ).fetchone()
    return repeats, conflicts


def quarantine(con, import_id: int, kind: str, file: str, has_rejects: bool) -> int:
    """Move every refused row of PARSED (and the CSV lines the reader refused) into `quarantine`,
    one line per problem; returns the rows refused."""
    number_rows(con, PARSED, has_rejects, "_bad")
    con.execute(f"""
        INSERT INTO quarantine
        SELECT ?, ?, ?, _row, column_name, value, reason FROM (
            SELECT _row, problem.column_name, problem.value, problem.reason
            FROM (SELECT _row, unnest(_problems) AS problem FROM temp.{PARSED} WHERE _problems IS NOT NULL)
            UNION ALL
            SELECT _row, {literal(", ".join(KEYS[kind]))}, _conflict_key, _conflict
            FROM temp.{PARSED} WHERE _conflict IS NOT NULL)
        ORDER BY _row, column_name""", [import_id, kind, file])
    refused = con.execute(f"SELECT count(*) FROM temp.{PARSED} WHERE _bad").fetchone()[0]
    return refused + (quarantine_rejects(con, import_id, kind, file) if has_rejects else 0)


def quarantine_rejects(con, import_id: int, kind: str, file: str) -> int:
    """Move the CSV lines the reader refused into `quarantine`; returns how many."""
    con.execute(f"""
        INSERT INTO quarantine
        SELECT ?, ?, ?, row_number, column_name, value, reason FROM temp.{REJECTS} ORDER BY row_number""",
        [import_id, kind, file])
    return con.execute(f"SELECT count(*) FROM temp.{REJECTS}").fetchone()[0]


def merge(con, kind: str, import_id: int) -> tuple[int, int, int]:
    """Merge the good rows into the canonical table by key: a new key is loaded, a row equal to
    the stored one is unchanged, a different one replaces it (updated). Returns
    (loaded, updated, unchanged)."""
    table = ident(kind)
    columns = [c.name for c in COLUMNS[kind]] + ["attributes"]
    column_list = ", ".join(ident(c) for c in columns)
    insert = f"INSERT INTO {table} ({column_list}, import_id) SELECT {column_list}, ? FROM "
    if con.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})").fetchone()[0]:
        # The first load of a kind (and the 10M-row benchmark): nothing to compare with.
        with db.unordered(con):
            loaded = con.execute(insert + GOOD, [import_id]).fetchone()[0]
        return loaded, 0, 0
    # Compare values, not hashes: exact, and nothing to compute or store for a first load. JSON
    # attributes compare as their text.
    same = " AND ".join(
        f"CAST(t.{ident(c)} AS VARCHAR) IS NOT DISTINCT FROM CAST(g.{ident(c)} AS VARCHAR)"
        if c == "attributes" else f"t.{ident(c)} IS NOT DISTINCT FROM g.{ident(c)}"
        for c in columns
    )
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _nl_match AS
        SELECT g._id, ({same}) AS same FROM {GOOD} g JOIN {table} t ON {_key_match(kind, 't', 'g')}""")
    updated, unchanged = con.execute(
        "SELECT count(*) FILTER (NOT same), count(*) FILTER (same) FROM temp._nl_match"
    ).fetchone()
    if updated and kind in ("lead_events", "opportunities"):
        # The rows replaced below may name another lead than their new versions: record it, so
        # that the facts of the lead it leaves are rebuilt too (the new one carries import_id).
        con.execute(f"""
            INSERT INTO replaced_leads
            SELECT DISTINCT ?, t.lead_id FROM {GOOD} g JOIN temp._nl_match m USING (_id)
            JOIN {table} t ON {_key_match(kind, 't', 'g')}
            WHERE NOT m.same AND t.lead_id IS NOT NULL AND t.lead_id IS DISTINCT FROM g.lead_id""",
            [import_id])
    if updated:
        con.execute(f"""
            DELETE FROM {table} USING (
                SELECT {', '.join('g.' + ident(k) for k in KEYS[kind])}
                FROM {GOOD} g JOIN temp._nl_match m USING (_id) WHERE NOT m.same) u
            WHERE {_key_match(kind, table, 'u')}""")
    with db.unordered(con):
        inserted = con.execute(
            insert + f"{GOOD} g WHERE NOT EXISTS (SELECT 1 FROM temp._nl_match m WHERE m._id = g._id AND m.same)",
            [import_id],
        ).fetchone()[0]
    return inserted - updated, updated, unchanged


def leads_missing(con, kind: str, rows: str = GOOD) -> int:
    """Rows (of `rows`, SQL) naming a lead the store does not hold (yet): kept, and counted once
    the lead arrives."""
    if kind not in ("lead_events", "opportunities"):
        return 0
    return con.execute(f"""
        SELECT count(*) FROM {rows} g
        WHERE g.lead_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.lead_id = g.lead_id)""").fetchone()[0]
