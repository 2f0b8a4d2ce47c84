"""A workspace on Spark: the metrics run where a data lake already is, read-only.

- The location is `spark:DIR`. DIR holds the agreement (netlead.yaml) and, for each table the
  agreement's `sources:` does not map, a Parquet folder of that name: what `netlead export DIR`
  writes from any workspace. Mapped tables are read in place (store/sources.py): catalog tables,
  or `parquet.`/path``.
- `SparkConnection` offers the metric code what it uses of DuckDB's connection and runs the DuckDB
  SQL it is given transpiled to Spark SQL (`_sql.statements`), with Spark's named parameters.
  The session's time zone is the agreement's (T1: `CAST(ts AS DATE)` is the local date).
- Every table the metrics build (the facts, the small tables of a query) is a temporary view of
  the session; a table built from a query is computed once and kept (a local checkpoint: later
  queries read the stored rows, not the plan that made them). Nothing is written anywhere.
- The session is the process's Spark session (`SparkSession.builder.getOrCreate()`): under
  `spark-submit`, or with `spark.master` in spark-defaults.conf / `PYSPARK_SUBMIT_ARGS`, that is
  the cluster; otherwise Spark's local mode.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pyarrow as pa
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from netlead import agreement as agreement_module
from netlead.errors import NetleadError, WorkspaceError
from netlead.metrics import _sql

DIALECT = "spark"
SCHEME = "spark:"  # engines.is_spark
# The tables of a workspace, as `netlead export` writes them: the canonical tables and the
# bookkeeping that `check` and `quarantine` read.
TABLES = ("leads", "lead_events", "opportunities", "opportunity_stages", "costs", "imports", "quarantine",
          "attribute_names")
READ_ONLY_HINT = ("A Spark workspace reads the tables where they are and never writes to them: import into a "
                  "folder or PostgreSQL workspace and `netlead export DIR` it, or map your own tables with "
                  "`sources:` in netlead.yaml.")


class Result:
    """What `execute` / `sql` return: Arrow, with instants in the agreement's zone as DuckDB
    gives them."""

    def __init__(self, table: pa.Table):
        self.table = table

    def fetchall(self) -> list[tuple]:
        return [tuple(row.values()) for row in self.table.to_pylist()]

    def fetchone(self) -> tuple | None:
        rows = self.table.slice(0, 1).to_pylist()
        return tuple(rows[0].values()) if rows else None

    def to_arrow_table(self) -> pa.Table:
        return self.table

    arrow = to_arrow_table


class SparkConnection:
    """The part of a DuckDB connection the metric code uses, on a Spark session. The SQL it is
    given is DuckDB's, transpiled here; values are bound, never formatted in.

    Beside the session it keeps a catalog in an in-memory DuckDB: the small tables netlead writes
    row by row (the agreement's versions), the import bookkeeping, and an entry for every Spark
    view, so that `information_schema.tables` lists this workspace's tables. A query reading only
    such local tables runs there, as in a DuckDB store, instead of as a Spark job (a few hundred
    milliseconds each, and the metrics ask several such questions each time); every local table
    is also a Spark view, for the queries that join it with the data."""

    dialect = DIALECT

    def __init__(self, session, timezone: str):
        from netlead.store.db import connect as duck_connect

        # A session of its own (sharing the Spark context): its time zone and views are this
        # workspace's, whatever else the process has open.
        self.session = session.newSession()
        self.session.conf.set("spark.sql.session.timeZone", timezone)
        self.timezone = timezone
        self.local = duck_connect(":memory:", timezone, threads=1)  # holds the canonical schema, empty
        self._local = {"imports", "quarantine", "attribute_names"}  # tables whose rows are here
        self._kept: dict[str, object] = {}  # view name -> its checkpointed DataFrame
        self._views: set[str] = set()

    # -- running SQL ------------------------------------------------------------------------

    def execute(self, sql: str, params: dict | list | tuple | None = None) -> Result | None:
        kind, reads, writes = _shape(sql)
        if kind == "transaction":
            return None  # every table it writes is this session's: nothing to commit
        for name in writes:
            self._check_writable(name)
        if reads <= self._local | _CATALOG and kind in ("query", "write"):
            if kind == "write":
                self.local.execute(sql, params)
                for name in writes:
                    self._local.add(name)
                    self._publish(name)
                return None
            return Result(self.local.sql(sql, params=params).to_arrow_table())
        result = None
        for tree, text, order in _sql.statements(sql, DIALECT):
            result = self._statement(tree, text, {f"p{i}": _value(params, key) for i, key in enumerate(order, 1)})
        return result

    sql = execute

    def executemany(self, sql: str, rows) -> None:
        _, _, writes = _shape(sql)
        if not writes <= self._local:
            raise NetleadError(f"a Spark workspace does not write to {', '.join(sorted(writes))}", READ_ONLY_HINT)
        self.local.executemany(sql, [list(row) for row in rows])
        for name in writes:
            self._publish(name)

    def _statement(self, tree: exp.Expression, text: str, args: dict) -> Result | None:
        if isinstance(tree, exp.Create) and isinstance(tree.expression, exp.Query):
            frame = self._run(tree.expression.sql(dialect=DIALECT, unsupported_level=ErrorLevel.RAISE), args)
            name = _name(tree)
            if str(tree.args.get("kind", "")).upper() == "VIEW":
                self.view(name, frame)
            else:
                self._keep(name, frame)
            return None
        if isinstance(tree, exp.Drop):
            for table in tree.expressions:
                self.drop(table.name)
            return None
        if isinstance(tree, exp.Insert) and isinstance(tree.this, exp.Table):
            # Rows from the data into a table of this session (a local one moves to Spark).
            name = self._to_spark(tree.this.name)
            rows = self._run(tree.expression.sql(dialect=DIALECT, unsupported_level=ErrorLevel.RAISE), args)
            self._keep(name, self.session.table(name).union(rows))
            return None
        if not isinstance(tree, exp.Query):
            raise NetleadError(f"a Spark workspace is read-only: it does not run {tree.key.upper()} statements",
                               READ_ONLY_HINT)
        return Result(self._arrow(self._run(text, args)))

    def _run(self, text: str, args: dict):
        from pyspark.errors import PySparkException

        try:
            return self.session.sql(text, args=args or None)
        except PySparkException as e:
            raise NetleadError(f"Spark: {_first_line(e)}", f"while running: {text[:400]}") from e

    def _arrow(self, frame) -> pa.Table:
        from pyspark.errors import PySparkException

        try:
            table = frame.toArrow()
        except PySparkException as e:
            raise NetleadError(f"Spark: {_first_line(e)}") from e
        fields = []
        for field in table.schema:
            kind = field.type
            if pa.types.is_timestamp(kind) and kind.tz is not None:
                kind = pa.timestamp("us", tz=self.timezone)
            elif pa.types.is_large_string(kind):
                kind = pa.string()
            fields.append(pa.field(field.name, kind))
        return table.cast(pa.schema(fields))

    # -- views ------------------------------------------------------------------------------

    def view(self, name: str, frame) -> None:
        """Make a Spark DataFrame visible to the metric SQL as `name`."""
        kept = self._kept.pop(name, None)
        if kept is not None:
            kept.unpersist()
        frame.createOrReplaceTempView(name)
        self._views.add(name)
        if name not in self._local and self._local_type(name) is None:
            self.local.execute(f'CREATE VIEW "{name}" AS SELECT NULL AS spark_view').fetchall()  # listed, never read

    def _local_type(self, name: str) -> str | None:
        """BASE TABLE or VIEW when the local catalog lists `name`."""
        found = self.local.execute("SELECT table_type FROM information_schema.tables WHERE table_name = ?",
                                   [name]).fetchall()
        return found[0][0] if found else None

    def _keep(self, name: str, frame) -> None:
        """A table made from a query: computed now, its rows kept for every later query."""
        from pyspark.errors import PySparkException

        try:
            kept = frame.localCheckpoint(eager=True)
        except PySparkException as e:
            raise NetleadError(f"Spark: {_first_line(e)}") from e
        self.view(name, kept)
        self._kept[name] = kept

    def _check_writable(self, name: str) -> None:
        """Only the tables of this session are written: the local ones, those made from queries,
        and new ones; never a table of the data."""
        if name in self._views and name not in self._local and name not in self._kept:
            raise NetleadError(f"a Spark workspace does not write to {name}", READ_ONLY_HINT)

    def _to_spark(self, name: str) -> str:
        """A table of this session that rows computed by Spark go into: a local one (created empty
        by a CREATE TABLE, say) continues as the Spark view of its rows."""
        self._check_writable(name)
        if name in self._local:
            self._local.discard(name)
            self.local.execute(f'DROP TABLE "{name}"')
            self.local.execute(f'CREATE VIEW "{name}" AS SELECT NULL AS spark_view')  # listed, never read
        return name

    def _publish(self, name: str) -> None:
        """A local table as a Spark view too."""
        self.view(name, self.session.createDataFrame(self.local.sql(f'SELECT * FROM "{name}"').to_arrow_table()))  # noqa: S608

    def register(self, name: str, table: pa.Table) -> None:
        """A view `name` holding `table` (dropped by `unregister` or at close)."""
        self.view(name, self.session.createDataFrame(table))

    def unregister(self, name: str) -> None:
        self.drop(name)

    def drop(self, name: str) -> None:
        kept = self._kept.pop(name, None)
        if kept is not None:
            kept.unpersist()
        if name in self._views:
            self.session.catalog.dropTempView(name)
            self._views.discard(name)
        kind = self._local_type(name)
        if kind is not None and name not in _CANONICAL:
            self.local.execute(f'DROP {"VIEW" if kind == "VIEW" else "TABLE"} "{name}"').fetchall()
        self._local.discard(name)

    def close(self) -> None:
        for name in list(self._views):
            self.drop(name)
        self.local.close()


_CATALOG = frozenset({"information_schema.tables"})
_CANONICAL = frozenset(TABLES)


@functools.lru_cache(maxsize=512)
def _shape(sql: str) -> tuple[str, frozenset[str], frozenset[str]]:
    """What DuckDB `sql` does: `transaction` (BEGIN, COMMIT, ROLLBACK only), `query`, `write`
    (CREATE, INSERT or DELETE) or `other`; the tables it reads and those it writes, CTEs aside."""
    trees = [t for t in sqlglot.parse(sql, read="duckdb") if t is not None]
    reads, writes = set(), set()
    for tree in trees:
        ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
        target = tree.this if isinstance(tree, exp.Create | exp.Insert | exp.Delete) else None
        if isinstance(target, exp.Schema):
            target = target.this
        if isinstance(target, exp.Table):
            writes.add(target.name)
        for table in tree.find_all(exp.Table):
            if table is not target and table.name not in ctes:
                reads.add(f"{table.db}.{table.name}".lower() if table.db else table.name)
    if all(isinstance(t, exp.Transaction | exp.Commit | exp.Rollback) for t in trees):
        kind = "transaction"
    elif all(isinstance(t, exp.Query) for t in trees):
        kind = "query"
    elif all(isinstance(t, exp.Create | exp.Insert | exp.Delete) for t in trees):
        kind = "write"
    else:
        kind = "other"
    return kind, frozenset(reads), frozenset(writes)


def _name(tree: exp.Expression) -> str:
    table = tree.this
    return (table.this if isinstance(table, exp.Schema) else table).name


def _value(params, key):
    if params is None:
        raise NetleadError(f"the SQL has a parameter {key!r} and none were given")
    return params[key]


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# --- opening ---------------------------------------------------------------------------------


def session():
    """The process's Spark session (the cluster's under spark-submit or a configured
    `spark.master`, else local mode), started when there is none."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise NetleadError("a Spark workspace needs the pyspark package", "pip install 'netlead[spark]'") from e
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    try:
        return SparkSession.builder.appName("netlead").config("spark.ui.showConsoleProgress", "false").getOrCreate()
    except Exception as e:  # Java missing or the master unreachable: py4j and Spark raise plain errors
        raise WorkspaceError(f"cannot start Spark: {_first_line(e)}",
                             "Spark needs Java 17 or later (JAVA_HOME); see the README, \"In a Spark lake\".") from e


def open_location(location: str) -> SparkWorkspace:
    """The workspace at `spark:DIR`: the agreement DIR/netlead.yaml, the tables its `sources:`
    maps, and every other table from DIR/<table>/ (Parquet, as `netlead export` writes it)."""
    from netlead.store import sources

    folder = Path(location[len(SCHEME):] or ".")
    path = folder / "netlead.yaml"
    if not path.exists():
        raise WorkspaceError(f"no netlead.yaml in {folder}",
                             "A Spark workspace is a folder `netlead export DIR` wrote, or one holding a "
                             "netlead.yaml whose `sources:` names your tables.")
    agreement = agreement_module.load(path)
    con = SparkConnection(session(), agreement.calendar.timezone)
    try:
        mapped = agreement.sources
        for table in TABLES:
            if table in mapped:
                continue
            found = folder / table
            if table in con._local:  # the bookkeeping: small, read into the local catalog
                if found.exists():
                    con.local.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM read_parquet(?)',  # noqa: S608
                                      [str(found / "*.parquet")]).fetchall()
                con._publish(table)
            elif found.exists():
                con.view(table, _read_parquet(con, found))
            elif table in ("leads", "costs") and not mapped:
                raise WorkspaceError(f"no {table} in {folder}",
                                     f"Write the tables with `netlead export {folder}` from a workspace, or map "
                                     "them with `sources:` in netlead.yaml.")
            else:
                con._publish(table)  # none: the empty canonical table
        sources.create_views(con, agreement)
        if agreement.assumed_attributes:
            from netlead import store

            attributes = store.attribute_names(con, "leads")
            if attributes:
                agreement = agreement_module.load(path, attributes=attributes)
    except BaseException:
        con.close()
        raise
    return SparkWorkspace(location, con, agreement)


def _read_parquet(con: SparkConnection, folder: Path):
    from pyspark.errors import PySparkException

    try:
        return con.session.read.parquet(str(folder.resolve()))
    except PySparkException as e:
        raise WorkspaceError(f"cannot read {folder} as Parquet: {_first_line(e)}") from e


# --- the workspace ---------------------------------------------------------------------------


def _workspace_class():
    from netlead.workspace import Workspace

    return Workspace


class SparkWorkspace(_workspace_class()):
    """A read-only Workspace over Spark tables; `path` is its `spark:DIR` location."""

    def _record_versions(self, today: dt.date) -> None:
        """Nothing is stored here: the facts are built from this agreement in each session."""

    def import_files(self, kind: str, files, progress=None):
        raise NetleadError("a Spark workspace is read-only: it does not import files", READ_ONLY_HINT)

    def import_mapped(self, mapping, files):
        raise NetleadError("a Spark workspace is read-only: it does not import files", READ_ONLY_HINT)

    def _batches(self, table: str) -> pa.RecordBatchReader:
        rows = self.con.sql(f'SELECT * FROM "{table}"').to_arrow_table()  # noqa: S608 - a known table
        return pa.RecordBatchReader.from_batches(rows.schema, rows.to_batches())
