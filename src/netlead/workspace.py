"""A workspace: a folder holding the agreement (`netlead.yaml`) and the store (`netlead.duckdb`).

Every number is computed by `netlead.metrics` in the store; this class opens the two together,
keeps the store's record of agreement versions honest (SPEC "The agreement file"), runs each
import in one transaction with the update of the metric facts, and names the versions and the
`as_of` each result used."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netlead import agreement as agreement_module
from netlead import metrics, store
from netlead.errors import NetleadError, WorkspaceError

if TYPE_CHECKING:
    import pyarrow as pa

AGREEMENT_FILE = "netlead.yaml"
STORE_FILE = "netlead.duckdb"
# What was read from netlead.yaml, kept for the next command that finds the same text there
# (agreement/loader.py): reading the YAML and the conditions again costs more than the rest of
# opening a workspace. Safe to delete.
AGREEMENT_CACHE_FILE = ".netlead.yaml.json"


@dataclass(frozen=True)
class MetricResult:
    """A metric table (Arrow, columns in METRICS.md order) and what produced it."""

    table: pa.Table
    meta: dict[str, Any] = field(default_factory=dict)

    def rows(self) -> list[dict[str, Any]]:
        return self.table.to_pylist()

    def to_pandas(self):
        return self.table.to_pandas()


def init(path: str | Path, agreement_text: str | None = None) -> Workspace:
    """Make a new workspace in `path`: a commented netlead.yaml (kept when the folder already has
    one, or `agreement_text` when given) and an empty store. Refuses a folder that holds a store.

    `path` may be a PostgreSQL URL (`postgresql://user@host/db`): the schema is created there and
    the agreement (`agreement_text`, else the template) is stored in the database; a database
    that is already a workspace takes `agreement_text` as its new agreement, checked like an
    edited netlead.yaml."""
    from netlead import engines

    if engines.is_url(path):
        from netlead.engines import postgres

        return postgres.init(str(path), agreement_text)
    folder = Path(path)
    if (folder / STORE_FILE).exists():
        raise WorkspaceError(
            f"{folder / STORE_FILE} already exists: {folder} is a workspace",
            "Use it with `--workspace`, or choose an empty folder.",
        )
    folder.mkdir(parents=True, exist_ok=True)
    agreement_path = folder / AGREEMENT_FILE
    if agreement_text is not None:
        agreement_path.write_text(agreement_text)
    elif not agreement_path.exists():
        agreement_path.write_text(agreement_module.template(dt.date.today()))
    agreement = agreement_module.load(agreement_path, cache=folder / AGREEMENT_CACHE_FILE)
    _no_sources(agreement)
    con = store.connect(folder / STORE_FILE, agreement.calendar.timezone)
    workspace = Workspace(folder, con, agreement)
    workspace._record_versions(dt.date.today())
    return workspace


def open(path: str | Path, today: dt.date | None = None) -> Workspace:  # noqa: A001 - the API's name
    """Open the workspace in `path` (a folder holding netlead.yaml and netlead.duckdb).

    `today` stands in for the wall clock when deciding whether an agreement change would alter a
    quarter already under way. `path` may be a PostgreSQL URL: the workspace `init` made there."""
    from netlead import engines

    if engines.is_url(path):
        from netlead.engines import postgres

        return postgres.open_url(str(path), today)
    if engines.is_spark(path):
        from netlead.engines import spark

        return spark.open_location(str(path))
    folder = Path(path)
    agreement_path = folder / AGREEMENT_FILE
    if not agreement_path.exists():
        raise WorkspaceError(
            f"no {AGREEMENT_FILE} in {folder}",
            "Create a workspace with `netlead init DIR`, or point --workspace / NETLEAD_WORKSPACE at one.",
        )
    if not (folder / STORE_FILE).exists():
        raise WorkspaceError(
            f"no store ({STORE_FILE}) in {folder}", "Run `netlead init DIR` to create an empty one."
        )
    cache = folder / AGREEMENT_CACHE_FILE
    agreement = agreement_module.load(agreement_path, cache=cache)
    _no_sources(agreement)
    con = store.connect(folder / STORE_FILE, agreement.calendar.timezone)
    if agreement.assumed_attributes:
        # Names that are not canonical columns are checked against the attributes the store has
        # seen. Without such names a second load would give the same agreement: skip it.
        attributes = store.attribute_names(con, "leads")
        if attributes:
            agreement = agreement_module.load(agreement_path, attributes=attributes, cache=cache)
    workspace = Workspace(folder, con, agreement)
    workspace._record_versions(today or dt.date.today())
    return workspace


def _no_sources(agreement) -> None:
    if agreement.sources:
        raise WorkspaceError(
            f"{agreement.path.name}: sources: reads tables in place, which a folder workspace does not do",
            "Use it with a PostgreSQL workspace (`netlead init URL --agreement netlead.yaml`) or a Spark one "
            "(`-w spark:DIR`); a folder workspace imports files.")


class Workspace:
    """The agreement and the store of one team, and every metric over them."""

    def __init__(self, path: Path, con, agreement):
        self.path = path
        self.con = con
        self.agreement = agreement

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- agreement versions ---------------------------------------------------------------

    def _record_versions(self, today: dt.date) -> None:
        """Refuse a change to a quarter already under way unless it is a restatement (SPEC
        "The agreement file"); record accepted versions and rebuild the facts when they moved."""
        recorded = {
            row[0]: row[1]
            for row in self.con.execute("SELECT effective_from, hash FROM agreement_versions").fetchall()
        }
        current = {v.effective_from: v for v in self.agreement.versions}
        if recorded == {d: v.hash for d, v in current.items()}:
            return
        has_data = self.con.execute("SELECT count(*) FROM imports").fetchone()[0] > 0
        quarter_start = self.agreement.calendar.quarter_start(today)
        name = self.agreement.path.name
        issues = []
        if has_data:
            for day, version in current.items():
                changed = recorded.get(day) != version.hash
                if changed and day <= quarter_start and version.restatement is None:
                    issues.append(
                        f"{name}:{version.line}: version {version.version} (effective_from {day}) "
                        f"would change a quarter already under way (this quarter began {quarter_start}) — "
                        f"allowed: an effective_from after {quarter_start}, or `restatement: {{reason: ...}}`"
                    )
            for day in recorded.keys() - current.keys():
                if day <= quarter_start:
                    issues.append(
                        f"{name}:1: the version effective from {day} was removed, which would change "
                        f"quarters already reported — allowed: keep it, or replace it by a version with "
                        f"effective_from {day} and `restatement: {{reason: ...}}`"
                    )
        if issues:
            from netlead.errors import AgreementError

            raise AgreementError(issues, "The store keeps the versions it has already reported under.")
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute("DELETE FROM agreement_versions")
            for version in self.agreement.versions:
                self.con.execute(
                    "INSERT INTO agreement_versions VALUES (?, ?, ?, ?, ?, now())",
                    [
                        version.effective_from,
                        version.version,
                        version.hash,
                        self.agreement.text_of(version),
                        version.restatement.reason if version.restatement else None,
                    ],
                )
            if has_data:
                metrics.refresh(self.con, self.agreement)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    # -- data in --------------------------------------------------------------------------

    def import_files(self, kind: str, files: list[str | Path], progress=None) -> list[store.ImportResult]:
        """Import canonical files (CSV, Parquet or JSON lines, gzip too) of one kind, each file in
        one transaction together with the update of the metric facts. Bad rows are quarantined."""
        if kind not in store.KINDS:
            raise NetleadError(f"unknown kind {kind!r}", f"Allowed: {', '.join(store.KINDS)}.")
        results = []
        for file in files:
            results.append(self._in_transaction(lambda f=file: store.import_file(
                self.con, kind, Path(f), self.agreement, progress=progress
            )))
        return results

    def import_mapped(self, mapping: str | Path, files: list[str | Path]) -> list[store.ImportResult]:
        """Import CRM exports through a mapping: `hubspot`, `salesforce` or a mapping file."""
        from netlead import crm

        return self._in_transaction(
            lambda: crm.import_mapped(self.con, mapping, [Path(f) for f in files], self.agreement)
        )

    def _in_transaction(self, work, rebuild: bool = False):
        """`work()`, then the metric facts brought up to date (`metrics.update`, or with `rebuild`
        `metrics.refresh`), in one transaction, under the import's share of DuckDB's memory limit
        (`store.import_memory`)."""
        with store.import_memory(self.con):
            self.con.execute("BEGIN TRANSACTION")
            try:
                result = work()
                (metrics.refresh if rebuild else metrics.update)(self.con, self.agreement)
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
        return result

    def refresh(self) -> None:
        """Rebuild the metric facts from the tables as they are now, in one transaction. Imports
        keep them current themselves; run it after the tables `sources:` maps have changed (after
        each sync), which carry no import for an update to follow."""
        self._in_transaction(lambda: None, rebuild=True)

    def export(self, directory: str | Path) -> list[Path]:
        """Write the agreement (DIRECTORY/netlead.yaml) and every table of the store as Parquet
        (DIRECTORY/<table>/part-0.parquet: the five canonical tables and the import bookkeeping
        `check` and `quarantine` read), for a Spark workspace (`-w spark:DIRECTORY`) or any tool that
        reads Parquet. Instants are UTC-adjusted timestamps, money DECIMAL(18, 4), attributes JSON
        text. Refuses a DIRECTORY that already holds a netlead.yaml. Returns the files written."""
        import pyarrow.parquet as pq

        from netlead.engines.spark import TABLES

        folder = Path(directory)
        if (folder / AGREEMENT_FILE).exists():
            raise WorkspaceError(f"{folder / AGREEMENT_FILE} already exists",
                                 "Export into a new or empty folder: an export is never merged into another.")
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for table in TABLES:
            file = folder / table / "part-0.parquet"
            file.parent.mkdir(exist_ok=True)
            reader = self._batches(table)
            with pq.ParquetWriter(file, reader.schema) as writer:
                for batch in reader:
                    writer.write_batch(batch)
            written.append(file)
        # Last: a folder with its netlead.yaml is a whole export.
        texts = [self.agreement.text_of(v) for v in self.agreement.versions]
        (folder / AGREEMENT_FILE).write_text("---\n".join(t if t.endswith("\n") else t + "\n" for t in texts),
                                             encoding="utf-8")
        return [*written, folder / AGREEMENT_FILE]

    def _batches(self, table: str) -> pa.RecordBatchReader:
        """The rows of one stored table, as Arrow batches."""
        return self.con.sql(f'SELECT * FROM "{table}"').to_arrow_reader(100_000)  # noqa: S608 - a known table

    def quarantine(self) -> pa.Table:
        """Every rejected row with its file, row, column, value and reason, newest first."""
        return store.quarantine(self.con)

    def check(self) -> dict[str, Any]:
        """What the store holds, what was quarantined, and what the agreement assumes."""
        report = store.summary(self.con)
        report["agreement"] = self._versions_meta(self.agreement.versions)
        report["assumed_attributes"] = sorted(self.agreement.assumed_attributes)
        return report

    # -- metrics ----------------------------------------------------------------------------

    def lead(self, lead_id: str, as_of: str | None = None) -> dict[str, Any]:
        """Why a lead is (not) net: its status, reason, the rule and the evidence (D2–D6)."""
        return metrics.lead(self.con, self.agreement, lead_id, as_of=as_of)

    def waterfall(self, by: str = "month", from_: str | None = None, to: str | None = None,
                  as_of: str | None = None) -> MetricResult:
        """Gross leads to net leads per period, every subtraction with its reason (D1–D4)."""
        return self._metric(metrics.waterfall, as_of, by=by, from_=from_, to=to)

    def cpnsli(self, by: str = "month", from_: str | None = None, to: str | None = None,
               as_of: str | None = None, by_channel: bool = False) -> MetricResult:
        """Investment, net leads issued, leads issued off agreement and Cost per Net Sales Lead
        Issued per period (D5–D8), or per period and channel (D9)."""
        return self._metric(metrics.cpnsli, as_of, by=by, from_=from_, to=to, by_channel=by_channel)

    def cohorts(self, by: str = "month", from_: str | None = None, to: str | None = None,
                as_of: str | None = None) -> MetricResult:
        """The net leads first issued in each period followed through the sales cycle:
        opportunities, wins, gross profit, cohort ROI, payback and maturity (D10–D15)."""
        return self._metric(metrics.cohorts, as_of, by=by, from_=from_, to=to)

    def development(self, by: str = "month", from_: str | None = None, to: str | None = None,
                    as_of: str | None = None) -> MetricResult:
        """Cumulative wins and gross profit of each cohort by whole months since its first day."""
        return self._metric(metrics.development, as_of, by=by, from_=from_, to=to)

    def response(self, by: str = "month", from_: str | None = None, to: str | None = None,
                 as_of: str | None = None) -> MetricResult:
        """Response time (median, p90), SLA met rate and breaches, and outcome coding (D16–D19)."""
        return self._metric(metrics.response, as_of, by=by, from_=from_, to=to)

    def decay(self, by: str = "month", from_: str | None = None, to: str | None = None,
              as_of: str | None = None) -> MetricResult:
        """Lead decay: the cohorts' leads by response time, with lead→opportunity per bucket (D20)."""
        return self._metric(metrics.decay, as_of, by=by, from_=from_, to=to)

    def scorecard(self, from_: str | None = None, to: str | None = None, as_of: str | None = None,
                  split: str | None = None) -> MetricResult:
        """The weekly scorecard with week-over-week changes and what moved cost per lead (D21–D22)."""
        return self._metric(metrics.scorecard, as_of, from_=from_, to=to, split=split)

    def journey(self, by: str = "month", from_: str | None = None, to: str | None = None,
                as_of: str | None = None, split: str | None = None) -> MetricResult:
        """The buyer journey of the leads created in each period: reached, conversion to the next
        stage, median days in stage, and each stage's shared owners (D23–D24)."""
        return self._metric(metrics.journey, as_of, by=by, from_=from_, to=to, split=split)

    def stuck(self, stage: str | None = None, as_of: str | None = None) -> MetricResult:
        """Leads in a stage for longer than its threshold, oldest first, with their context (D25)."""
        return self._metric(metrics.stuck, as_of, stage=stage)

    def whatif(self, changes: dict[str, str], from_: str | None = None, to: str | None = None,
               as_of: str | None = None) -> MetricResult:
        """Base and scenario through every stage, wins, gross profit and ROI when stage conversions
        change (`{"responded": "+0.02", "opportunity": "*1.10"}`) (D26)."""
        return self._metric(metrics.whatif, as_of, changes=changes, from_=from_, to=to)

    def levers(self, from_: str | None = None, to: str | None = None, as_of: str | None = None) -> MetricResult:
        """For each stage alone, the wins and gross profit gained by +1 point of conversion (D26)."""
        return self._metric(metrics.levers, as_of, from_=from_, to=to)

    def convert_time(self, by: str = "month", from_: str | None = None, to: str | None = None,
                     as_of: str | None = None, split: str | None = None, to_event: str = "opportunity",
                     curve: bool = False) -> MetricResult:
        """Time from first issue to first opportunity (or win), Kaplan–Meier with censoring: median
        with its 95% interval and the share converted by day 30, 60 and 90, or the curve (D27)."""
        compute = metrics.convert_time_curve if curve else metrics.convert_time
        return self._metric(compute, as_of, by=by, from_=from_, to=to, split=split, to_event=to_event)

    def projected(self, from_: str | None = None, to: str | None = None, as_of: str | None = None) -> MetricResult:
        """Projected (not actual) ultimate gross profit and ROI of each monthly cohort by chain
        ladder, with Mack intervals (D28)."""
        return self._metric(metrics.projected, as_of, from_=from_, to=to)

    def _metric(self, compute, as_of: str | None, **arguments) -> MetricResult:
        moment = self.agreement.calendar.parse_as_of(as_of)
        table = compute(self.con, self.agreement, as_of=moment, **arguments)
        return self._result(table, moment)

    def _result(self, table: pa.Table, as_of: dt.datetime) -> MetricResult:
        calendar = self.agreement.calendar
        versions = self.agreement.versions
        if table.num_rows and "period_start" in table.column_names:
            # The versions in force on any day of the periods shown (T4), rows being sorted by
            # period_start: the first period's first day to the last period's last day.
            first = table.column("period_start")[0].as_py()
            last = calendar.parse_bound(table.column("period")[-1].as_py(), "to")
            ends = [v.effective_from for v in versions[1:]] + [dt.date.max]
            versions = [v for i, (v, end) in enumerate(zip(versions, ends, strict=True))
                        if end > first and (i == 0 or v.effective_from <= last)]
        meta = {
            "agreement": self._versions_meta(versions),
            "as_of": as_of.astimezone(calendar.zone).isoformat(),
            "timezone": calendar.timezone,
            "currency": self.agreement.currency,
        }
        return MetricResult(table, meta)

    @staticmethod
    def _versions_meta(versions) -> list[dict[str, Any]]:
        return [
            {
                "version": v.version,
                "effective_from": v.effective_from.isoformat(),
                "hash": v.hash,
                "restatement": v.restatement.reason if v.restatement else None,
            }
            for v in versions
        ]
