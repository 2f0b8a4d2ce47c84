"""A workspace in a PostgreSQL database: the store a team shares.

- `PostgresConnection` offers the metric code what it uses of DuckDB and runs the DuckDB SQL it
  is given transpiled to PostgreSQL (`_sql.transpile_numbered`), with the server's own `$1`
  parameters. Every transaction the workspace begins (`BEGIN TRANSACTION`) first takes one
  transaction-level advisory lock, so imports, agreement changes and the rebuild of the metric
  facts from several processes run one after the other, each whole, while readers go on reading.
- The schema is store/schema.sql transpiled; the agreement is stored in the database
  (`netlead_agreement`, one row, the text of netlead.yaml), put there by `netlead init URL
  --agreement FILE`: every process reads the same agreement and nothing lives beside it.
- An import validates in an in-memory DuckDB with the import code of every workspace (the same
  validation, quarantine and merge by key), given the stored rows of the kind, then copies what
  it loaded (COPY into a temporary staging table, then replace by key) in the one PostgreSQL
  transaction that also rebuilds the metric facts.
"""

from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from netlead import agreement as agreement_module
from netlead import metrics
from netlead.engines import without_password
from netlead.errors import NetleadError, WorkspaceError
from netlead.metrics import _sql

DIALECT = "postgres"
AGREEMENT_TABLE = "netlead_agreement"
# One lock for every writer of a workspace (a schema of a database): netlead's key and the schema's.
LOCK_KEY = zlib.crc32(b"netlead workspace") - 2**31
LOCK = "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))"

_ARROW_TYPES = {  # PostgreSQL type OID -> Arrow type of the value DuckDB would give
    16: pa.bool_(), 20: pa.int64(), 21: pa.int16(), 23: pa.int32(), 700: pa.float32(),
    701: pa.float64(), 25: pa.string(), 1043: pa.string(), 1042: pa.string(), 19: pa.string(),
    705: pa.string(), 114: pa.string(), 3802: pa.string(), 1082: pa.date32(),
    1114: pa.timestamp("us"),
}
_TIMESTAMPTZ, _NUMERIC = 1184, 1700


def _postgres_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_boolean(arrow_type):
        return "BOOLEAN"
    if pa.types.is_int16(arrow_type) or pa.types.is_int32(arrow_type) or pa.types.is_int8(arrow_type):
        return "INTEGER"
    if pa.types.is_integer(arrow_type):
        return "BIGINT"
    if pa.types.is_floating(arrow_type):
        return "DOUBLE PRECISION"
    if pa.types.is_decimal(arrow_type):
        return f"NUMERIC({arrow_type.precision}, {arrow_type.scale})"
    if pa.types.is_date(arrow_type):
        return "DATE"
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMPTZ" if arrow_type.tz else "TIMESTAMP"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "TEXT"
    raise NetleadError(f"no PostgreSQL type for the Arrow type {arrow_type}")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Result:
    """What `execute` / `sql` return: the rows, as tuples or as Arrow."""

    def __init__(self, description, rows: list[tuple], timezone: str):
        self.description = description
        self.rows = rows
        self.timezone = timezone

    def fetchall(self) -> list[tuple]:
        return self.rows

    def fetchone(self) -> tuple | None:
        return self.rows[0] if self.rows else None

    def to_arrow_table(self) -> pa.Table:
        if not self.description:
            return pa.table({})
        columns = {}
        for index, column in enumerate(self.description):
            values = [row[index] for row in self.rows]
            columns[column.name] = pa.array(values, self._arrow_type(column, values))
        return pa.table(columns)

    arrow = to_arrow_table

    def _arrow_type(self, column, values: list) -> pa.DataType:
        if column.type_code == _TIMESTAMPTZ:
            return pa.timestamp("us", tz=self.timezone)
        if column.type_code == _NUMERIC:
            # DuckDB's decimals keep their scale (a sum of DECIMAL(18, 4) is DECIMAL(38, 4)).
            scale = column.scale
            if scale is None:
                exponents = [-v.as_tuple().exponent for v in values if isinstance(v, Decimal) and v.is_finite()]
                scale = max([0, *exponents])
            return pa.decimal128(38, min(scale, 37))
        found = _ARROW_TYPES.get(column.type_code)
        if found is None:
            raise NetleadError(f"no Arrow type for PostgreSQL type {column.type_code} (column {column.name})")
        return found


class PostgresConnection:
    """The part of a DuckDB connection the metric and workspace code uses, on PostgreSQL. The SQL
    it is given is DuckDB's, transpiled here; values are bound, never formatted in."""

    dialect = DIALECT

    def __init__(self, connection, timezone: str):
        import psycopg

        self._psycopg = psycopg
        self._connection = connection
        self._connection.autocommit = True  # transactions are the caller's BEGIN ... COMMIT
        # JSON as its text, as DuckDB gives it (the import compares attributes as text).
        from psycopg.types.string import TextLoader

        for name in ("json", "jsonb"):
            self._connection.adapters.register_loader(name, TextLoader)
        self.timezone = timezone
        self._depth = 0  # of BEGIN ... COMMIT

    # -- running SQL ------------------------------------------------------------------------

    def execute(self, sql: str, params: dict | list | tuple | None = None) -> Result | None:
        result = None
        for statement, order in _sql.transpile_numbered(sql, DIALECT):
            word = statement.split(None, 1)[0].upper()
            if word in ("BEGIN", "START", "COMMIT", "END", "ROLLBACK"):
                self._transaction(word)
                continue
            values = [self._value(params, key) for key in order]
            result = self._run(statement, values)
        return result

    def _transaction(self, word: str) -> None:
        """BEGIN takes the workspace lock. Nested BEGIN ... COMMIT (a workspace step run inside
        another's transaction) joins the outer transaction; an inner failure propagates and the
        outer ROLLBACK undoes all."""
        if word in ("BEGIN", "START"):
            self._depth += 1
            if self._depth == 1:
                self._run("BEGIN", [])
                self._run(LOCK, [LOCK_KEY])
            return
        if self._depth == 0:
            raise NetleadError(f"{word} without a transaction")
        self._depth -= 1
        if self._depth == 0:
            self._run("COMMIT" if word in ("COMMIT", "END") else "ROLLBACK", [])

    def sql(self, sql: str, params: dict | list | tuple | None = None) -> Result:
        return self.execute(sql, params)

    def executemany(self, sql: str, rows) -> None:
        for row in rows:
            self.execute(sql, list(row))

    @staticmethod
    def _value(params, key):
        if params is None:
            raise NetleadError(f"the SQL has a parameter {key!r} and none were given")
        return params[key]

    def _run(self, statement: str, values: list) -> Result:
        with self._psycopg.RawCursor(self._connection) as cursor:
            try:
                cursor.execute(statement, values or None)
            except self._psycopg.Error as e:
                raise NetleadError(f"PostgreSQL: {str(e).strip()}", f"while running: {statement[:400]}") from e
            rows = cursor.fetchall() if cursor.description else []
            return Result(cursor.description, rows, self.timezone)

    def run_native(self, statement: str, values: list | None = None) -> Result:
        """PostgreSQL SQL as it is (bookkeeping of this module only)."""
        return self._run(statement, values or [])

    # -- small tables -----------------------------------------------------------------------

    def register(self, name: str, table: pa.Table) -> None:
        """A temporary table `name` holding `table` (dropped by `unregister` or at disconnect)."""
        columns = ", ".join(f"{_quote(f.name)} {_postgres_type(f.type)}" for f in table.schema)
        self._run(f"DROP TABLE IF EXISTS pg_temp.{_quote(name)}", [])
        self._run(f"CREATE TEMPORARY TABLE {_quote(name)} ({columns})", [])
        self.copy_in(name, table)
        self._run(f"ANALYZE {_quote(name)}", [])  # its size, for the plans of the query reading it

    def unregister(self, name: str) -> None:
        self._run(f"DROP TABLE IF EXISTS pg_temp.{_quote(name)}", [])

    def copy_in(self, name: str, table: pa.Table) -> None:
        """COPY the rows of `table` into the existing table `name` (columns by name)."""
        if table.num_rows == 0:
            return
        names = ", ".join(_quote(c) for c in table.column_names)
        with self._connection.cursor() as cursor, cursor.copy(f"COPY {_quote(name)} ({names}) FROM STDIN") as copy:
            for batch in table.to_batches(max_chunksize=10_000):
                columns = [column.to_pylist() for column in batch.columns]
                for row in zip(*columns, strict=True):
                    copy.write_row(row)

    def arrow_batches(self, query: str, size: int = 50_000):
        """The rows of a PostgreSQL query as Arrow tables of at most `size` rows, through a
        server-side cursor (a whole table is never held in Python at once); at least one table."""
        with self._connection.transaction(), self._connection.cursor(name="netlead_batches") as cursor:
            cursor.execute(query)
            first = True
            while True:
                rows = cursor.fetchmany(size)
                if rows or first:
                    yield Result(cursor.description, rows, self.timezone).to_arrow_table()
                if len(rows) < size:
                    return
                first = False

    def close(self) -> None:
        self._connection.close()


# --- opening ---------------------------------------------------------------------------------


def _connect_raw(url: str):
    try:
        import psycopg
    except ImportError as e:
        raise NetleadError(
            "a PostgreSQL workspace needs the psycopg package", "pip install 'netlead[postgres]'"
        ) from e
    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.Error as e:
        raise WorkspaceError(f"cannot connect to {without_password(url)}: {str(e).strip()}") from e


def connect(url: str, timezone: str) -> PostgresConnection:
    """Connect with the session TimeZone set to the agreement's (T1: `CAST(ts AS DATE)` is the
    local date) and create the canonical schema when missing."""
    import re

    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", timezone):
        raise NetleadError(f"unknown timezone {timezone!r}")
    con = PostgresConnection(_connect_raw(url), timezone)
    con.run_native("SELECT set_config('TimeZone', $1, false)", [timezone])
    create_schema(con)
    return con


def create_schema(con: PostgresConnection) -> None:
    from netlead.store.db import schema_sql

    # The last table schema.sql gained, so that a workspace made before it gets it too (every
    # statement of the schema is IF NOT EXISTS).
    present = "SELECT to_regclass('replaced_leads') IS NOT NULL"
    if con.run_native(present).fetchone()[0]:
        return
    con.execute("BEGIN TRANSACTION")  # the lock: two processes creating the schema at once
    try:
        if not con.run_native(present).fetchone()[0]:
            con.execute(schema_sql())
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _agreement_text(url: str) -> str | None:
    raw = _connect_raw(url)
    try:
        found = raw.execute(f"SELECT to_regclass('{AGREEMENT_TABLE}') IS NOT NULL").fetchone()[0]
        if not found:
            return None
        row = raw.execute(f"SELECT text FROM {AGREEMENT_TABLE}").fetchone()  # noqa: S608 - a constant
        return row[0] if row else None
    finally:
        raw.close()


def _load(text: str, attributes: set[str] | None = None):
    # Messages name netlead.yaml, the file `init --agreement` took it from.
    return agreement_module.loads(text, "netlead.yaml", attributes=attributes)


def init(url: str, agreement_text: str | None = None, today: dt.date | None = None):
    """Make `url` a workspace: the schema, and the agreement stored in the database (the template
    when none is given). Given an agreement, a database that is already a workspace takes it as
    its new agreement, under the same check of versions as an edited netlead.yaml."""
    existing = _agreement_text(url)
    if existing is not None and agreement_text is None:
        raise WorkspaceError(
            f"{without_password(url)} is already a workspace",
            "Use it with `--workspace URL`; to change its agreement, `netlead init URL --agreement FILE`.",
        )
    text = agreement_text or agreement_module.template(dt.date.today())
    agreement = _load(text)
    con = connect(url, agreement.calendar.timezone)
    try:
        con.run_native(f"CREATE TABLE IF NOT EXISTS {AGREEMENT_TABLE} (text TEXT NOT NULL, "
                       "stored_at TIMESTAMPTZ NOT NULL)")
        from netlead import store

        attributes = store.attribute_names(con, "leads")
        agreement = _load(text, attributes or None)
        workspace = PostgresWorkspace(url, con, agreement)
        # The versions check runs in the transaction that stores the text: refused, nothing changes.
        workspace._record_versions(today or dt.date.today(), store_text=text)
    except BaseException:
        con.close()
        raise
    return workspace


def open_url(url: str, today: dt.date | None = None):
    text = _agreement_text(url)
    if text is None:
        raise WorkspaceError(
            f"{without_password(url)} is not a netlead workspace (no agreement stored)",
            "Create one with `netlead init URL --agreement netlead.yaml`.",
        )
    first_look = _load(text)
    con = connect(url, first_look.calendar.timezone)
    try:
        from netlead import store

        attributes = store.attribute_names(con, "leads")
        agreement = _load(text, attributes or None)
        workspace = PostgresWorkspace(url, con, agreement)
        workspace._record_versions(today or dt.date.today())
    except BaseException:
        con.close()
        raise
    return workspace


# --- the workspace ---------------------------------------------------------------------------


def _workspace_class():
    from netlead.workspace import Workspace

    return Workspace


class PostgresWorkspace(_workspace_class()):
    """A Workspace whose store is a PostgreSQL database; `path` is its URL."""

    def __init__(self, url: str, con: PostgresConnection, agreement):
        super().__init__(url, con, agreement)  # type: ignore[arg-type]

    def _record_versions(self, today: dt.date, store_text: str | None = None) -> None:
        """Workspace's check and record of the agreement versions; with `store_text`, in the same
        transaction as storing that text as the workspace's agreement (refused: nothing changes)."""
        if store_text is None:
            return super()._record_versions(today)
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.run_native(f"DELETE FROM {AGREEMENT_TABLE}")  # noqa: S608 - a constant
            self.con.run_native(f"INSERT INTO {AGREEMENT_TABLE} VALUES ($1, now())", [store_text])  # noqa: S608
            super()._record_versions(today)
            if place_sources(self.con, self.agreement):
                metrics.refresh(self.con, self.agreement)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _batches(self, table: str) -> pa.RecordBatchReader:
        tables = self.con.arrow_batches(f"SELECT * FROM {_quote(table)}")  # noqa: S608 - a known table
        first = next(tables)
        batches = (batch for part in [first, *tables] for batch in part.to_batches())
        return pa.RecordBatchReader.from_batches(first.schema, batches)

    def import_files(self, kind: str, files, progress=None):
        from netlead import store

        if kind not in store.KINDS:
            raise NetleadError(f"unknown kind {kind!r}", f"Allowed: {', '.join(store.KINDS)}.")
        if kind in self.agreement.sources:
            raise NetleadError(f"{kind} are read from {self.agreement.sources[kind].table} (sources: in the "
                               "agreement): a workspace never writes into a source",
                               "Change the source itself, then `netlead refresh`; or import only the kinds "
                               "sources: does not map.")
        results = []
        for file in files:
            results.append(self._in_transaction(lambda f=file: through_duckdb(
                self.con, self.agreement, [kind],
                lambda duck, f=f: store.import_file(duck, kind, Path(f), self.agreement, progress=progress),
            )))
        return results

    def import_mapped(self, mapping, files):
        from netlead import crm, store

        if self.agreement.sources:
            raise NetleadError("a CRM import writes every kind, and sources: in the agreement maps "
                               + ", ".join(self.agreement.sources) + " to tables read in place",
                               "Import the CRM export into a workspace without sources:.")
        return self._in_transaction(lambda: through_duckdb(
            self.con, self.agreement, list(store.KINDS),
            lambda duck: crm.import_mapped(duck, mapping, [Path(f) for f in files], self.agreement),
        ))


def place_sources(con: PostgresConnection, agreement) -> bool:
    """Each kind `sources:` maps becomes a view over its source (its table, when empty, is dropped;
    one holding imported rows is refused); a kind no longer mapped becomes an empty table again.
    Runs in the caller's transaction; True when any kind is or was mapped."""
    from netlead.store import KINDS, sources

    changed = False
    for kind in KINDS:
        row = con.run_native("SELECT table_type FROM information_schema.tables "
                             "WHERE table_schema = current_schema() AND table_name = $1", [kind]).fetchone()
        is_view = row is not None and row[0] == "VIEW"
        if kind in agreement.sources and not is_view:
            if con.run_native(f"SELECT EXISTS (SELECT 1 FROM {_quote(kind)})").fetchone()[0]:  # noqa: S608
                raise WorkspaceError(f"{kind} holds imported rows, and sources: now reads {kind} from "
                                     f"{agreement.sources[kind].table}",
                                     "Use a new workspace (schema) for tables read in place.")
            con.run_native(f"DROP TABLE {_quote(kind)}")
        elif kind not in agreement.sources and is_view:
            con.run_native(f"DROP VIEW {_quote(kind)}")
            con.execute(sources.table_sql(kind))
        changed = changed or is_view or kind in agreement.sources
    sources.create_views(con, agreement)
    return changed


# --- import through DuckDB -------------------------------------------------------------------


def through_duckdb(pg: PostgresConnection, agreement, kinds: list[str], work):
    """Run DuckDB import code (`work(duck)`) against the stored rows of `kinds`, then write what
    it added to PostgreSQL. Runs inside the caller's PostgreSQL transaction, which holds the
    workspace lock: no other writer can change these tables until it commits."""
    from netlead.store import KEYS
    from netlead.store.db import connect as duck_connect

    duck = duck_connect(":memory:", agreement.calendar.timezone, threads=2)
    try:
        first_id = pg.execute("SELECT nextval('import_ids')").fetchone()[0]
        duck.execute("DROP SEQUENCE import_ids")
        duck.execute(f"CREATE SEQUENCE import_ids START {int(first_id)}")
        needed = set(kinds) | ({"leads"} if {"lead_events", "opportunities"} & set(kinds) else set())
        for kind in sorted(needed):
            _copy_to_duckdb(pg, duck, kind, f"SELECT * FROM {_quote(kind)}")  # noqa: S608 - a known kind
        _copy_to_duckdb(pg, duck, "attribute_names", "SELECT * FROM attribute_names")
        result = work(duck)
        new_ids = [row[0] for row in duck.execute("SELECT import_id FROM imports ORDER BY 1").fetchall()]
        if not new_ids:
            return result
        last = max(new_ids)
        pg.execute("SELECT setval('import_ids', ?)", [last])
        for kind in kinds:
            rows = duck.sql(f"SELECT * FROM {_quote(kind)} WHERE import_id >= ?", params=[first_id]).to_arrow_table()  # noqa: S608
            if rows.num_rows == 0:
                continue
            staging = f"_nl_new_{kind}"
            pg.run_native(f"DROP TABLE IF EXISTS pg_temp.{staging}")
            pg.run_native(f"CREATE TEMPORARY TABLE {staging} (LIKE {_quote(kind)})")
            pg.copy_in(staging, rows)
            match = " AND ".join(f"t.{_quote(k)} = n.{_quote(k)}" for k in KEYS[kind])
            pg.run_native(f"DELETE FROM {_quote(kind)} t USING {staging} n WHERE {match}")  # noqa: S608
            pg.run_native(f"INSERT INTO {_quote(kind)} SELECT * FROM {staging}")  # noqa: S608
            pg.run_native(f"DROP TABLE {staging}")
        for file_kind, file in duck.execute("SELECT DISTINCT kind, file FROM imports").fetchall():
            pg.execute("DELETE FROM quarantine WHERE kind = ? AND file = ?", [file_kind, file])
        for table in ("quarantine", "imports", "replaced_leads"):
            pg.copy_in(table, duck.sql(f"SELECT * FROM {table}").to_arrow_table())  # noqa: S608 - constants
        names = duck.sql("SELECT DISTINCT kind, name FROM attribute_names").to_arrow_table()
        pg.register("_nl_attribute_names", names)
        pg.execute("INSERT INTO attribute_names SELECT a.kind, a.name FROM _nl_attribute_names AS a "
                   "WHERE NOT EXISTS (SELECT 1 FROM attribute_names AS n WHERE n.kind = a.kind AND n.name = a.name)")
        pg.unregister("_nl_attribute_names")
        return result
    finally:
        duck.close()


def _copy_to_duckdb(pg: PostgresConnection, duck, table: str, query: str) -> None:
    """The rows of a PostgreSQL query into a DuckDB table, a batch at a time: the stored leads of a
    million-lead workspace held at once as Python values took 2 GB."""
    for rows in pg.arrow_batches(query):
        if rows.num_rows == 0:
            continue
        duck.register("_nl_stored", rows)
        try:
            names = ", ".join(_quote(c) for c in rows.column_names)
            duck.execute(f"INSERT INTO {_quote(table)} ({names}) SELECT {names} FROM _nl_stored")  # noqa: S608
        finally:
            duck.unregister("_nl_stored")
