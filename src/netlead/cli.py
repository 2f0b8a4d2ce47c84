"""The `netlead` command: parse, call the Python API, print. Nothing is computed here."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from netlead.errors import NetleadError

app = typer.Typer(
    help="netlead: Cost per Net Sales Lead Issued, the gross→net waterfall and cohort ROI, from one "
    "agreement (netlead.yaml) between marketing, sales and finance.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


# Rich (tables and messages for people) and the library (DuckDB, Arrow, SQLGlot) are imported by
# the commands that use them, not here: `netlead --help` and JSON output never load Rich.
@functools.cache
def _stdout():
    from rich.console import Console

    return Console()


@functools.cache
def _stderr():
    from rich.console import Console

    return Console(stderr=True)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Unit(StrEnum):
    week = "week"
    month = "month"
    quarter = "quarter"


WorkspaceOpt = Annotated[
    str,
    typer.Option("--workspace", "-w", envvar="NETLEAD_WORKSPACE",
                 help="Workspace: a folder (holds netlead.yaml and netlead.duckdb), a PostgreSQL URL, or "
                      "spark:DIR (read-only: a folder `netlead export` wrote, or tables `sources:` maps). "
                      "Default: $NETLEAD_WORKSPACE, else the current folder."),
]
FromOpt = Annotated[str | None, typer.Option(
    "--from", help="First period: a date (2026-10-01) or a label (2026-W40, 2026-10, 2026-Q4). "
                   "Default: the first period holding any data.")]
ToOpt = Annotated[str | None, typer.Option(
    "--to", help="Last period, as --from. Default: the period holding --as-of.")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Count only what happened up to this moment (a date alone: the end of that day, "
                    "in the agreement's timezone). Default: now.")]
ByOpt = Annotated[Unit, typer.Option("--by", help="Period length.")]
FormatOpt = Annotated[Format, typer.Option(
    "--format", "-f", help="table for people; json or csv for machines (keys as METRICS.md lists them).")]
MetaOpt = Annotated[bool, typer.Option(
    "--meta", help="With --format json: wrap the rows as {meta: {agreement versions, hashes, as_of}, rows}.")]


def _open(workspace: str):
    import netlead

    return netlead.open(workspace)


def _fail(error: NetleadError) -> None:
    _stderr().print(f"[bold red]error:[/] {error.message}", highlight=False, markup=True, soft_wrap=True)
    if error.hint:
        _stderr().print(error.hint, highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(code=1)


def _print_result(result, fmt: Format, meta: bool, title: str, pivot: tuple[str, str, str] | None = None,
                  columns: list[str] | None = None, limit: int | None = None):
    from netlead import output

    if fmt is Format.json:
        # From the Arrow columns: the text dumps(result.rows()) writes, without a dict per row,
        # written a part at a time.
        if meta:
            sys.stdout.write(f'{{"meta": {output.dumps(result.meta)}, "rows": ')
        for part in output.table_json_parts(result.table):
            sys.stdout.write(part)
        sys.stdout.write("}\n" if meta else "\n")
        return
    if fmt is Format.csv:
        sys.stdout.write(output.to_csv(result.rows(), result.table.column_names))
    else:
        shown = result.table if limit is None else result.table.slice(0, limit)
        if shown.num_rows < result.table.num_rows:
            title = f"{title}: the first {shown.num_rows:,} of {result.table.num_rows:,}"
        _stdout().print(_rich_table(shown.to_pylist(), columns or result.table.column_names, title, pivot))
        versions = ", ".join(f"v{v['version']} from {v['effective_from']}" + (
            f" (restated: {v['restatement']})" if v["restatement"] else "") for v in result.meta["agreement"])
        _stdout().print(f"agreement {versions} · as of {result.meta['as_of']} · {result.meta['currency']}",
                        style="dim", highlight=False)


def _rich_table(rows, columns, title, pivot):
    """A table for people; `pivot` (row key, column key, value) turns long rows into a grid."""
    from rich.table import Table

    from netlead.output import cell_text

    table = Table(title=title, title_justify="left", header_style="bold")
    if pivot:
        row_key, column_key, value_key = pivot
        heads = list(dict.fromkeys(r[column_key] for r in rows))
        grid: dict[str, dict[str, object]] = {}
        for r in rows:
            grid.setdefault(r[row_key], {})[r[column_key]] = r[value_key]
        table.add_column(row_key)
        for head in heads:
            table.add_column(head.replace("_", " "), justify="right")
        for key, cells in grid.items():
            table.add_row(str(key), *(cell_text(cells.get(h)) for h in heads))
        return table
    for column in columns:
        if column != "period_start":
            table.add_column(column.replace("_", " "), justify="left" if column in ("period", "channel") else "right")
    for r in rows:
        table.add_row(*(cell_text(r[c]) for c in columns if c != "period_start"))
    return table


@app.command()
def init(target: Annotated[str, typer.Argument(
              metavar="DIR_OR_URL", help="Folder for the new workspace, or a PostgreSQL URL (postgresql://user@host/db).")],
         agreement: Annotated[Path | None, typer.Option(
             "--agreement", help="The agreement to start with (a netlead.yaml): copied into the folder, or stored in "
             "the database of a PostgreSQL workspace (running init again with --agreement replaces it there, under "
             "the same versions check as an edited file). Without it a folder keeps the netlead.yaml it has, "
             "else gets a commented template.")] = None):
    """Make a new workspace: the agreement (netlead.yaml) and an empty store."""
    import netlead

    try:
        text = agreement.read_text(encoding="utf-8") if agreement else None
        netlead.init(target, agreement_text=text).close()
    except OSError as e:
        _fail(NetleadError(f"cannot read the agreement {agreement}: {e.strerror}"))
    except NetleadError as e:
        _fail(e)
    if "://" in target:
        from netlead.engines import without_password

        _stdout().print(f"Workspace ready at {without_password(target)}. Import with "
                        "`netlead import KIND FILE... -w URL`.", highlight=False)
    else:
        _stdout().print(f"Workspace ready in {target}. Edit {Path(target) / 'netlead.yaml'} with marketing, "
                        f"sales and finance, then `netlead import KIND FILE... -w {target}`.", highlight=False)


@app.command("import")
def import_(
    arguments: Annotated[list[str] | None, typer.Argument(
        metavar="[KIND] FILE...", help="KIND (leads, lead_events, opportunities, opportunity_stages, costs), "
        "then CSV, Parquet or JSON lines files, gzip too. No KIND with --from or --map.")] = None,
    crm: Annotated[str | None, typer.Option("--from", help="A CRM export: hubspot or salesforce.")] = None,
    mapping: Annotated[Path | None, typer.Option("--map", help="A mapping file for any other CSV export.")] = None,
    workspace: WorkspaceOpt = ".",
):
    """Import files into the store. Each file is one transaction; importing a file again changes
    nothing; bad rows are quarantined with file, row, column and reason (`netlead quarantine`).

    Canonical files: `netlead import leads leads.csv`. CRM exports: `netlead import --from hubspot
    contacts.csv deals.csv`, or through your own mapping: `netlead import --map my-crm.yaml FILE...`."""
    from netlead.store import KINDS

    words = list(arguments or [])
    if crm and mapping:
        _fail(NetleadError("give --from or --map, not both"))
    mapped = crm or mapping
    if not mapped and (len(words) < 2 or words[0] not in KINDS):
        _fail(NetleadError("say what the files hold, then the files",
                           "Usage: netlead import KIND FILE...  (KIND: " + ", ".join(KINDS) + "), "
                           "or netlead import --from hubspot|salesforce FILE..., or --map MAPPING.yaml FILE..."))
    if mapped and not words:
        _fail(NetleadError("no files to import", "Usage: netlead import --from hubspot FILE..."))
    try:
        with _open(workspace) as ws:
            if mapped:
                results = ws.import_mapped(str(mapped), [Path(w) for w in words])
            else:
                results = _import_with_progress(ws, words[0], [Path(w) for w in words[1:]])
    except NetleadError as e:
        _fail(e)
    _print_import_results(results)


def _import_with_progress(ws, kind, paths):
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    big = sum(p.stat().st_size for p in paths if p.exists()) > 4_000_000
    if not big:
        return ws.import_files(kind, paths)
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TimeRemainingColumn(), console=_stderr(), transient=True) as progress:
        task = progress.add_task(f"importing {kind}", total=None)

        def report(done, total):
            progress.update(task, completed=done, total=total)

        return ws.import_files(kind, paths, progress=report)


def _print_import_results(results):
    from rich.table import Table

    table = Table(header_style="bold")
    for column in ("kind", "file", "loaded", "updated", "unchanged", "quarantined"):
        table.add_column(column, justify="left" if column in ("kind", "file") else "right")
    notes = []
    for r in results:
        table.add_row(r.kind, Path(r.file).name, f"{r.loaded:,}", f"{r.updated:,}", f"{r.unchanged:,}",
                      f"{r.quarantined:,}")
        name = Path(r.file).name
        notes.extend(note if note.startswith(name) else f"{name}: {note}" for note in r.notes)
    _stdout().print(table)
    for note in notes:
        _stdout().print(f"note: {note}", highlight=False)
    if any(r.quarantined for r in results):
        _stdout().print("See why rows were rejected with `netlead quarantine`.", highlight=False)


@app.command()
def export(directory: Annotated[Path, typer.Argument(metavar="DIR", help="A new or empty folder.")],
           workspace: WorkspaceOpt = "."):
    """Write the workspace's tables as Parquet and its agreement into DIR, for a Spark workspace
    (`-w spark:DIR`) or any tool that reads Parquet: DIR/netlead.yaml and DIR/<table>/part-0.parquet
    for leads, lead_events, opportunities, opportunity_stages, costs, imports, quarantine and
    attribute_names."""
    try:
        with _open(workspace) as ws:
            files = ws.export(directory)
    except NetleadError as e:
        _fail(e)
    except OSError as e:
        _fail(NetleadError(f"cannot write into {directory}: {e.strerror}"))
    _stdout().print(f"Exported {len(files) - 1} tables and the agreement into {directory}. Read them with Spark: "
                    f"`netlead waterfall -w spark:{directory}`.", highlight=False)


@app.command()
def refresh(workspace: WorkspaceOpt = "."):
    """Rebuild the metric facts from the tables as they are now. Imports do this themselves; run it
    after the tables that `sources:` in netlead.yaml maps have changed (after each CRM sync)."""
    try:
        with _open(workspace) as ws:
            ws.refresh()
    except NetleadError as e:
        _fail(e)
    _stdout().print("Metric facts rebuilt.", highlight=False)


@app.command()
def check(workspace: WorkspaceOpt = ".", fmt: FormatOpt = Format.table):
    """Validate the agreement and the data, and say what the store holds."""
    from netlead import output

    try:
        with _open(workspace) as ws:
            report = ws.check()
    except NetleadError as e:
        _fail(e)
    if fmt is Format.json:
        sys.stdout.write(output.dumps(report) + "\n")
        return
    _stdout().print("Agreement: valid, versions " + ", ".join(
        f"{v['version']} from {v['effective_from']}" for v in report["agreement"]), highlight=False)
    for attribute in report["assumed_attributes"]:
        _stdout().print(f"warning: the agreement names {attribute!r}, taken as a lead attribute "
                        "(no leads imported yet to check it against)", highlight=False)
    for line in report["lines"]:
        _stdout().print(line, highlight=False)


@app.command()
def quarantine(workspace: WorkspaceOpt = ".", fmt: FormatOpt = Format.table,
               limit: Annotated[int, typer.Option(help="Rows to show in a table (json/csv: all).")] = 50):
    """List the rows imports rejected: kind, file, row, column, value and why."""
    from netlead import output

    try:
        with _open(workspace) as ws:
            rows = ws.quarantine().to_pylist()
    except NetleadError as e:
        _fail(e)
    columns = ["import_id", "kind", "file", "row_number", "column_name", "value", "reason"]
    if fmt is Format.json:
        sys.stdout.write(output.dumps(rows) + "\n")
    elif fmt is Format.csv:
        sys.stdout.write(output.to_csv(rows, columns))
    else:
        from rich.table import Table

        table = Table(title=f"quarantine: {len(rows):,} rows", title_justify="left", header_style="bold")
        for column in columns[1:]:
            table.add_column(column.replace("_", " "))
        for r in rows[:limit]:
            table.add_row(r["kind"], Path(r["file"]).name, output.cell_text(r["row_number"]),
                          r["column_name"] or "", r["value"] or "", r["reason"])
        _stdout().print(table)


@app.command()
def lead(lead_id: Annotated[str, typer.Argument(help="The lead's id.")],
         workspace: WorkspaceOpt = ".", as_of: AsOfOpt = None, fmt: FormatOpt = Format.table):
    """Why a lead is or is not net: its status, reason, the rule and the evidence (D2–D6)."""
    from netlead import output

    try:
        with _open(workspace) as ws:
            explained = ws.lead(lead_id, as_of=as_of)
    except NetleadError as e:
        _fail(e)
    if fmt is not Format.table:
        sys.stdout.write(output.dumps(explained) + "\n")
        return
    from rich.table import Table

    table = Table(show_header=False, title=f"lead {lead_id}", title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in explained.items():
        if key == "evidence" and isinstance(value, dict):
            for answer in value.get("answers", []):
                recorded = f" (recorded {answer['recorded_at']}, {answer['source']})" if answer["recorded_at"] else ""
                counted = "counts" if answer["counted"] else "does not count"
                table.add_row(f"evidence: {answer['field']}",
                              f"{answer['value'] or '—'}{recorded} · {counted}")
            table.add_row("evidence needed", f"{value['min_answers']} answer(s), appointment {value['appointment']}")
            table.add_row("evidence sufficient at", output.cell_text(value.get("sufficient_at")))
            continue
        table.add_row(key.replace("_", " "), output.dumps(value) if isinstance(value, list | dict)
                      else output.cell_text(value))
    _stdout().print(table)


@app.command()
def waterfall(workspace: WorkspaceOpt = ".", by: ByOpt = Unit.month, from_: FromOpt = None,
              to: ToOpt = None, as_of: AsOfOpt = None, fmt: FormatOpt = Format.table, meta: MetaOpt = False):
    """Gross leads to net leads per period, each subtraction with its reason, in the agreement's
    order; not-ready leads go to nurture (D1–D4)."""
    try:
        with _open(workspace) as ws:
            result = ws.waterfall(by=by.value, from_=from_, to=to, as_of=as_of)
    except NetleadError as e:
        _fail(e)
    _print_result(result, fmt, meta, "gross → net waterfall", pivot=("period", "reason", "count"))


@app.command()
def cpnsli(workspace: WorkspaceOpt = ".", by: ByOpt = Unit.month, from_: FromOpt = None, to: ToOpt = None,
           as_of: AsOfOpt = None,
           by_channel: Annotated[bool, typer.Option("--by-channel", help="One row per period and channel (D9).")] = False,
           fmt: FormatOpt = Format.table, meta: MetaOpt = False):
    """Cost per Net Sales Lead Issued: total marketing investment under the cost policy / net sales
    leads issued, per period (D5–D8) or per channel with shared costs spread as agreed (D9)."""
    try:
        with _open(workspace) as ws:
            result = ws.cpnsli(by=by.value, from_=from_, to=to, as_of=as_of, by_channel=by_channel)
    except NetleadError as e:
        _fail(e)
    _print_result(result, fmt, meta, "cost per net sales lead issued")


class CohortUnit(StrEnum):
    month = "month"
    quarter = "quarter"


class Split(StrEnum):
    account_type = "account_type"
    channel = "channel"


@app.command()
def cohorts(workspace: WorkspaceOpt = ".",
            by: Annotated[CohortUnit, typer.Option("--by", help="Cohort period length.")] = CohortUnit.month,
            from_: FromOpt = None, to: ToOpt = None, as_of: AsOfOpt = None,
            development: Annotated[bool, typer.Option(
                "--development", help="Cumulative wins and gross profit of each cohort by months since its start.")] = False,
            projected: Annotated[bool, typer.Option(
                "--projected", help="PROJECTED ultimate gross profit and ROI of monthly cohorts (chain ladder, "
                "Mack intervals), never mixed into the actual numbers (D28).")] = False,
            fmt: FormatOpt = Format.table, meta: MetaOpt = False):
    """Cohort ROI on gross profit: the net leads first issued in each period, followed through the
    sales cycle — opportunities, wins, gross profit (revenue shown beside it, never used for return),
    ROI against the period's investment, payback date and maturity (D10–D15)."""
    try:
        with _open(workspace) as ws:
            if projected:
                result = ws.projected(from_=from_, to=to, as_of=as_of)
            else:
                compute = ws.development if development else ws.cohorts
                result = compute(by=by.value, from_=from_, to=to, as_of=as_of)
    except NetleadError as e:
        _fail(e)
    title = "PROJECTED cohort return (an estimate, not actual)" if projected else (
        "cohort development" if development else "cohorts")
    _print_result(result, fmt, meta, title)


@app.command()
def response(workspace: WorkspaceOpt = ".", by: ByOpt = Unit.month, from_: FromOpt = None, to: ToOpt = None,
             as_of: AsOfOpt = None, fmt: FormatOpt = Format.table, meta: MetaOpt = False):
    """Response to issued leads per cohort: median and p90 minutes from first issue to first
    response, SLA met rate (business hours when agreed) and breaches, outcome-coded rate (D16–D19)."""
    try:
        with _open(workspace) as ws:
            result = ws.response(by=by.value, from_=from_, to=to, as_of=as_of)
    except NetleadError as e:
        _fail(e)
    _print_result(result, fmt, meta, "response and SLA")


@app.command()
def decay(workspace: WorkspaceOpt = ".", by: ByOpt = Unit.month, from_: FromOpt = None, to: ToOpt = None,
          as_of: AsOfOpt = None, fmt: FormatOpt = Format.table, meta: MetaOpt = False):
    """Lead decay: the issued net leads of the chosen periods grouped by how fast they were answered,
    with lead→opportunity per group (D20)."""
    try:
        with _open(workspace) as ws:
            result = ws.decay(by=by.value, from_=from_, to=to, as_of=as_of)
    except NetleadError as e:
        _fail(e)
    _print_result(result, fmt, meta, "lead decay")


@app.command()
def scorecard(workspace: WorkspaceOpt = ".", from_: FromOpt = None, to: ToOpt = None, as_of: AsOfOpt = None,
              split: Annotated[Split | None, typer.Option("--split", help="One row per week and value.")] = None,
              fmt: FormatOpt = Format.table, meta: MetaOpt = False):
    """The weekly scorecard both teams review: net leads issued, cost per net lead, response time,
    lead→opportunity, opportunity→win, gross profit per win and ROI, each with its change from the
    week before, and what moved cost per lead: investment, volume or yield (D21–D22)."""
    try:
        with _open(workspace) as ws:
            result = ws.scorecard(from_=from_, to=to, as_of=as_of, split=split.value if split else None)
    except NetleadError as e:
        _fail(e)
    _print_result(result, fmt, meta, "weekly scorecard")


@app.command()
def journey(workspace: WorkspaceOpt = ".", by: ByOpt = Unit.month, from_: FromOpt = None, to: ToOpt = None,
            as_of: AsOfOpt = None,
            split: Annotated[Split | None, typer.Option("--split", help="Side by side per value.")] = None,
            fmt: FormatOpt = Format.table, meta: MetaOpt = False):
    """The buyer journey of the leads created in each period: how many reached each stage, the
    conversion to the next, the median days in stage, and the owners who share each stage (D23–D24)."""
    try:
        with _open(workspace) as ws:
            result = ws.journey(by=by.value, from_=from_, to=to, as_of=as_of, split=split.value if split else None)
    except NetleadError as e:
        _fail(e)
    _print_result(result, fmt, meta, "buyer journey")


@app.command()
def stuck(workspace: WorkspaceOpt = ".",
          stage: Annotated[str | None, typer.Option("--stage", help="Only this stage.")] = None,
          as_of: AsOfOpt = None, fmt: FormatOpt = Format.table, meta: MetaOpt = False,
          limit: Annotated[int, typer.Option(help="Rows to show in a table, oldest first (json/csv: all).")] = 50):
    """Leads stuck in a stage longer than its stuck_after_days (else the 90th percentile of the
    time leads spend there), oldest first, with rep, owners and context for the weekly meeting (D25)."""
    try:
        with _open(workspace) as ws:
            result = ws.stuck(stage=stage, as_of=as_of)
    except NetleadError as e:
        _fail(e)
    _print_result(result, fmt, meta, "stuck leads", limit=limit)


@app.command()
def whatif(workspace: WorkspaceOpt = ".",
           stage: Annotated[list[str] | None, typer.Option(
               "--stage", help="A change to a stage's conversion: K=+0.02 (points) or K=*1.10 (relative); repeatable.")] = None,
           levers: Annotated[bool, typer.Option(
               "--levers", help="Instead: the gross profit gained by +1 point at each stage alone.")] = False,
           from_: FromOpt = None, to: ToOpt = None, as_of: AsOfOpt = None,
           fmt: FormatOpt = Format.table, meta: MetaOpt = False):
    """What if a stage converted better? Base and scenario through every later stage, wins, gross
    profit and ROI, from the journey of the chosen range (D26)."""
    changes = {}
    for text in stage or []:
        name, _, change = text.partition("=")
        if not change:
            _fail(NetleadError(f"--stage {text!r} has no change", "Write --stage responded=+0.02 or --stage opportunity=*1.10"))
        changes[name.strip()] = change.strip()
    if not changes and not levers:
        _fail(NetleadError("no change given", "Add --stage K=+0.02 (repeatable), or ask for --levers."))
    try:
        with _open(workspace) as ws:
            result = ws.levers(from_=from_, to=to, as_of=as_of) if levers else ws.whatif(
                changes, from_=from_, to=to, as_of=as_of)
    except NetleadError as e:
        _fail(e)
    _print_result(result, fmt, meta, "levers: +1 point of conversion" if levers else "what if")


@app.command("convert-time")
def convert_time(workspace: WorkspaceOpt = ".", by: ByOpt = Unit.month, from_: FromOpt = None, to: ToOpt = None,
                 as_of: AsOfOpt = None,
                 split: Annotated[Split | None, typer.Option("--split", help="Side by side per value.")] = None,
                 to_event: Annotated[str, typer.Option(
                     "--to-event", help="opportunity or win.")] = "opportunity",
                 curve: Annotated[bool, typer.Option("--curve", help="The Kaplan–Meier curve itself.")] = False,
                 fmt: FormatOpt = Format.table, meta: MetaOpt = False):
    """Time from first issue to first opportunity (or win), censoring-aware (Kaplan–Meier): the
    median days with a 95% interval and the share converted by day 30, 60 and 90 (D27)."""
    try:
        with _open(workspace) as ws:
            result = ws.convert_time(by=by.value, from_=from_, to=to, as_of=as_of,
                                     split=split.value if split else None, to_event=to_event, curve=curve)
    except NetleadError as e:
        _fail(e)
    _print_result(result, fmt, meta, f"time to {to_event}")


@app.command()
def demo(directory: Annotated[Path, typer.Argument(help="Folder for the demo workspace.")] = Path("netlead-demo"),
         leads: Annotated[int, typer.Option(help="How many leads to generate.")] = 50_000,
         seed: Annotated[int, typer.Option(help="Seed of the generator.")] = 7):
    """Generate two years of realistic sample data, import it into a new workspace in DIRECTORY,
    and print the waterfall and the cost per net sales lead issued by quarter, then the last
    quarter's journey, the stuck leads, a what-if and the projected cohort return."""
    from netlead.demo import run_demo

    try:
        ws = run_demo(directory, leads=leads, seed=seed, say=lambda text: _stderr().print(text, highlight=False))
    except NetleadError as e:
        _fail(e)
    with ws:
        _print_result(ws.waterfall(by="quarter"), Format.table, False, "gross → net waterfall",
                      pivot=("period", "reason", "count"))
        _print_result(ws.cpnsli(by="quarter"), Format.table, False, "cost per net sales lead issued")
        calendar = ws.agreement.calendar
        quarter_start = calendar.period_start(calendar.quarter_start(dt.date.today()) - dt.timedelta(days=1), "quarter")
        quarter = calendar.label(quarter_start, "quarter")
        _print_result(ws.journey(by="quarter", from_=quarter, to=quarter), Format.table, False,
                      f"buyer journey of the leads created in {quarter}",
                      columns=["stage", "reached", "conversion_to_next", "median_days_in_stage", "owners"])
        _print_result(ws.stuck(), Format.table, False, "stuck leads, oldest first",
                      columns=["lead_id", "stage", "days_in_stage", "threshold_days", "rep", "channel"], limit=5)
        _print_result(ws.whatif({"responded": "+0.02"}, from_=quarter, to=quarter), Format.table, False,
                      f"what if 2 more points of responded leads became opportunities ({quarter})")
        _print_result(ws.projected(from_=quarter), Format.table, False,
                      "PROJECTED cohort return (chain ladder; an estimate, not actual)",
                      columns=["period", "investment", "gross_profit_to_date", "projected_gross_profit",
                               "projected_gross_profit_low", "projected_gross_profit_high", "projected_roi"])
    _stdout().print(f"Next: export NETLEAD_WORKSPACE={directory}; then netlead scorecard, netlead cohorts, "
                    "netlead cpnsli --by-channel, netlead lead LEAD_ID (README lists them all)", highlight=False)
