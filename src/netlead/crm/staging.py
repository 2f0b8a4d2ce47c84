"""From CRM export files to staged tables, in SQL: each file is read by DuckDB as text, recognised
by its header, and every output of the mapping that reads its source becomes one SELECT (renames,
value maps, dates, numbers, multi-value cells, lookups into other files, constants, derived rows).
The staged table of a kind holds the canonical columns as text, attributes, and `_row` (the
file's row number, 1 = the first data row); the store's import then validates and quarantines.
Nothing here loops over rows in Python."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from sqlglot import exp

from netlead.errors import ImportFileError
from netlead.store.columns import COLUMNS, DATE, INSTANT, MONEY, WHOLE

from .mapping import TEMPLATE_FIELD, Mapping, Number, Output, Spec, Test

# Trimming (METRICS D4) removes spaces, tabs, carriage returns and line feeds; a CRM export also
# pads with no-break spaces.
TRIM_CHARS = " \t\r\n\u00a0"
TIME_DIRECTIVE = re.compile(r"%[HIklMSpTRXcfz]")
# A symbol is accepted only where the agreement's currency can be meant by it: amounts are never
# converted, so `1.234,56 €` under a GBP agreement is quarantined, not read as pounds.
SYMBOL_CURRENCIES = {
    "$": {"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD"},
    "€": {"EUR"},
    "£": {"GBP"},
    "¥": {"JPY", "CNY"},
}
CURRENCY_SYMBOLS = "".join(SYMBOL_CURRENCIES)


@dataclass
class SourceFile:
    path: Path
    source: str
    table: str
    header: list[str]
    rows: int
    file_hash: str
    notes: list[str] = field(default_factory=list)


@dataclass
class Staged:
    """One staged table: the rows of `kind` made from `file`, ready for `import_staged`."""

    kind: str
    file: SourceFile
    table: str
    rows: int
    notes: list[str] = field(default_factory=list)
    # For the quarantine: column → why a row without it cannot be imported (the spec's `missing`),
    # and column → how the mapping reads that column's text (dates, amounts), for refused values.
    missing: dict[str, str] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)


class _Params:
    """Values go to DuckDB as bound parameters, never into the SQL text."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def __call__(self, value: object) -> exp.Expression:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return exp.Placeholder(this=name)


def _ident(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def _table(name: str) -> exp.Table:
    return exp.Table(this=exp.to_identifier(name, quoted=True))


def _f(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _run(con: duckdb.DuckDBPyConnection, query: exp.Expression, params: _Params | None = None):
    """Run `query` with the parameters it uses (DuckDB refuses any extra one)."""
    used = {n.name for n in query.find_all(exp.Placeholder)}
    values = {k: v for k, v in (params.values if params else {}).items() if k in used}
    return con.execute(query.sql("duckdb"), values or None)


def _find(header: list[str], names: list[str]) -> str | None:
    """The header column named by the first of `names` present (trimmed, case-insensitive)."""
    folded = {h.strip().lower(): h for h in reversed(header)}
    for name in names:
        if name.strip().lower() in folded:
            return folded[name.strip().lower()]
    return None


def read_files(con: duckdb.DuckDBPyConnection, mapping: Mapping, files: list[Path], prefix: str) -> list[SourceFile]:
    """Read each CSV file, every column as text, into a temporary table with `_row`, and name its
    source. Lines the CSV reader cannot split (a report's footer, broken quoting) are listed in the
    notes, not imported; a file that is not UTF-8 is read as Latin-1 (Excel's) and says so."""
    out = []
    for i, path in enumerate(files):
        path = Path(path)
        if not path.is_file():
            raise ImportFileError(f"{path}: no such file")
        if path.stat().st_size == 0:
            raise ImportFileError(f"{path} is empty (0 bytes): nothing to import",
                                  "Export the file again; a file with only a header imports 0 rows.")
        table = f"{prefix}_src{i}"
        notes: list[str] = []
        refused = _read_csv(con, path, table, prefix, "utf-8")
        if any(kind == "INVALID ENCODING" for _, kind, _ in refused):
            refused = _read_csv(con, path, table, prefix, "latin-1")
            notes.append(f"{path.name}: not UTF-8: read as Latin-1 (ISO-8859-1); check accented text")
        if refused:
            notes.append(f"{path.name}: {len(refused)} lines could not be read as rows and are not imported: "
                         + "; ".join(f"line {line}: {why}" for line, _, why in refused[:5])
                         + (" …" if len(refused) > 5 else ""))
        header = [r[0] for r in con.execute(f"DESCRIBE {_table(table).sql('duckdb')}").fetchall() if r[0] != "_row"]
        source = _source_of(mapping, path, header)
        rows = con.execute(exp.select("count(*)").from_(_table(table)).sql("duckdb")).fetchall()[0][0]
        params = _Params()
        blank = _run(con, exp.select("count(*)").from_(_table(table)).where(
            exp.not_(_not_blank(header, params))), params).fetchall()[0][0] if header else 0
        if blank:
            notes.append(f"{path.name}: {_rows(blank, 'empty row')} (every cell blank) skipped")
        out.append(SourceFile(path, source, table, header, rows, _file_hash(path), notes))
    return out


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str, prefix: str,
              encoding: str) -> list[tuple[int, str, str]]:
    """`table` := the file's rows with `_row` (1 = the first data row); returns the refused lines
    (line, error type, message)."""
    raw, errors, scans = f"{table}_raw", f"{prefix}_rejects", f"{prefix}_scans"
    for name in (raw, table, errors, scans):
        con.execute(exp.Drop(tables=[_table(name)], kind="TABLE", exists=True).sql("duckdb"))
    params = _Params()
    options = {"all_varchar": exp.true(), "header": exp.true(), "encoding": params(encoding),
               "store_rejects": exp.true(), "rejects_table": params(errors), "rejects_scan": params(scans)}
    query = exp.select("*").from_(exp.Table(this=_f("read_csv", params(str(path)), *[
        exp.EQ(this=exp.var(k), expression=v) for k, v in options.items()])))
    try:
        _run(con, exp.Create(this=_table(raw), kind="TABLE", expression=query,
                             properties=exp.Properties(expressions=[exp.TemporaryProperty()])), params)
    except duckdb.Error as e:
        raise ImportFileError(f"{path}: cannot be read as CSV: {str(e).strip().splitlines()[0]}",
                              "Export it from the CRM as CSV (not Excel).") from e
    refused = con.execute(exp.select("line", "CAST(error_type AS VARCHAR)",
                                     "'(' || left(trim(first(csv_line), chr(13) || chr(10) || ' '), 60) || '): ' "
                                     "|| first(error_message)")
                          .from_(_table(errors)).group_by("line", "error_type").order_by("line").sql("duckdb")).fetchall()
    # `_row` counts data rows in file order: rowid (from 0, or from a large base inside a
    # transaction) plus the refused data rows before it. The k-th refused row (line - 1, unless a
    # quoted cell spans lines) had `line - 1 - k` accepted rows before it.
    raw_sql, errors_sql, table_sql = (_table(n).sql("duckdb") for n in (raw, errors, table))
    con.execute(f"""
        CREATE TEMP TABLE {table_sql} AS
        WITH refused AS (SELECT line - 1 - row_number() OVER (ORDER BY line) AS accepted_before
                         FROM (SELECT DISTINCT line FROM {errors_sql})),
             numbered AS (SELECT rowid - (SELECT coalesce(min(rowid), 0) FROM {raw_sql}) + 1 AS _p, *
                          FROM {raw_sql})
        SELECT _p + (SELECT count(*) FROM refused WHERE accepted_before < _p) AS _row, * EXCLUDE (_p)
        FROM numbered ORDER BY _p""")  # noqa: S608 - identifiers quoted by SQLGlot, no values
    con.execute(exp.Drop(tables=[_table(raw)], kind="TABLE", exists=True).sql("duckdb"))
    return [(line, kind, message) for line, kind, message in refused]


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(4 << 20):
            digest.update(block)
    return digest.hexdigest()


def _source_of(mapping: Mapping, path: Path, header: list[str]) -> str:
    fits = [name for name, s in mapping.sources.items() if all(_find(header, h) for h in s.header)]
    columns = f"Its columns are: {', '.join(header[:12])}{' …' if len(header) > 12 else ''}."
    if not fits:
        wanted = "; ".join(f"{name}: {', '.join(' or '.join(h) for h in s.header)}"
                           for name, s in mapping.sources.items())
        raise ImportFileError(
            f"{path}: not an export the {mapping.name} mapping knows — it expects these columns ({wanted})",
            columns)
    if len(fits) > 1:
        raise ImportFileError(
            f"{path}: its header fits several kinds of {mapping.name} export ({', '.join(fits)}) — "
            "cannot tell which it is", columns + " Remove the columns of the other kind, or use a mapping with one source.")
    return fits[0]


class _Output:
    """The SELECT of one output over one file."""

    def __init__(self, mapping: Mapping, output: Output, file: SourceFile, files: list[SourceFile],
                 currency: str | None, params: _Params):
        self.m, self.o, self.file, self.files = mapping, output, file, files
        self.currency, self.p = currency, params
        self.header = list(file.header)
        self.virtual: list[str] = []
        self.absent: dict[str, str] = {}    # what the file lacks → what is left empty for it
        self.target = ""
        self.used: set[str] = set()
        self.lookups: list[tuple[str, exp.Expression, exp.Expression]] = []   # alias, ON, keyed rows
        self.explode: exp.Expression | None = None

    # -- values -------------------------------------------------------------------------------
    def clean(self, e: exp.Expression) -> exp.Expression:
        return exp.Nullif(this=_f("trim", exp.cast(e, "VARCHAR"), self.p(TRIM_CHARS)), expression=exp.Literal.string(""))

    def col(self, names: list[str]) -> exp.Expression:
        found = _find(self.header + self.virtual, names)
        if found is None:
            alternatives = f" (nor {', '.join(repr(n) for n in names[1:])})" if len(names) > 1 else ""
            self.absent.setdefault(f"no column {names[0]!r}{alternatives}", self.target)
            return exp.Null()
        self.used.add(found)
        return self.clean(_ident(found))

    def test(self, t: Test) -> exp.Expression:
        value = self.col(t.column)
        if t.present is not None:
            return exp.not_(exp.Is(this=value, expression=exp.Null())) if t.present else exp.Is(this=value, expression=exp.Null())
        items = [self.p(v.strip().lower()) for v in (t.in_ if t.in_ is not None else t.not_in)]
        inside = exp.In(this=_f("lower", value), expressions=items)
        if t.in_ is not None:
            return exp.func("coalesce", inside, exp.false())
        return exp.func("coalesce", exp.not_(inside), exp.true())

    def origin(self, spec: Spec) -> exp.Expression:
        if spec.column is not None:
            return self.col(spec.column)
        if spec.value is not None:
            return self.p(spec.value)
        if spec.template is not None:
            parts: list[exp.Expression] = []
            at = 0
            for match in TEMPLATE_FIELD.finditer(spec.template):
                if match.start() > at:
                    parts.append(self.p(spec.template[at:match.start()]))
                parts.append(self.col(match.group(1).split("|")))
                at = match.end()
            if at < len(spec.template):
                parts.append(self.p(spec.template[at:]))
            out = parts[0]
            for part in parts[1:]:
                out = exp.DPipe(this=out, expression=part)
            return out
        return self.lookup(spec)

    def lookup(self, spec: Spec) -> exp.Expression:
        lk = spec.lookup
        others = [f for f in self.files if f.source == lk.source]
        key_by = self.col(lk.by)
        if not others:
            self.absent.setdefault(f"no {lk.source} file among the files imported together", self.target)
            return exp.Null()
        alias = f"_lk{len(self.lookups)}"
        selects = []
        for other in others:
            key_col, value_col = _find(other.header, [lk.key]), _find(other.header, [lk.value])
            if key_col is None or value_col is None:
                self.absent.setdefault(f"{other.path.name} has no column {lk.key if key_col is None else lk.value!r}",
                                       self.target)
                continue
            key = self.clean(_ident(key_col))
            if lk.split:
                key = exp.Unnest(expressions=[self._pieces(key, lk.split)])
            selects.append(exp.select(key.as_("k"), self.clean(_ident(value_col)).as_("v"),
                                      exp.column("_row").as_("r"))
                           .from_(_table(other.table)))
        if not selects:
            return exp.Null()
        union = selects[0]
        for s in selects[1:]:
            union = exp.union(union, s, distinct=False)
        keyed = (exp.select(exp.column("k"), _f("arg_min", exp.column("v"), exp.column("r")).as_("v"))
                 .from_(union.subquery("u")).where(exp.column("k").is_(exp.Null()).not_()).group_by("k"))
        self.lookups.append((alias, exp.EQ(this=exp.column("k", table=alias), expression=key_by), keyed))
        return exp.column("v", table=alias)

    def _pieces(self, value: exp.Expression, sep: str) -> exp.Expression:
        """The non-empty values of a multi-value cell, trimmed."""
        pattern = rf"[\s]*{re.escape(sep)}[\s{re.escape(sep)}]*"
        trimmed = _f("trim", value, self.p(TRIM_CHARS + sep))
        return exp.Case(ifs=[exp.If(this=exp.EQ(this=trimmed, expression=exp.Literal.string("")),
                                    true=exp.Null())],
                        default=_f("regexp_split_to_array", trimmed, self.p(pattern)))

    def value(self, spec: Spec, canonical_type: str | None) -> exp.Expression:
        v = self.origin(spec)
        if spec.split is not None:
            pieces = self._pieces(v, spec.split)
            if spec.pick == "explode":
                self.explode = exp.Case(
                    ifs=[exp.If(this=exp.Is(this=pieces, expression=exp.Null()),
                                true=exp.Array(expressions=[exp.Null()]))],
                    default=pieces)
                v = exp.column("_x")
            else:
                v = _f("list_extract", pieces, exp.Literal.number(1 if spec.pick == "first" else -1))
            v = self.clean(v)
        if spec.map:
            v = exp.Case(this=_f("lower", v),
                         ifs=[exp.If(this=self.p(k.strip().lower()), true=self.p(out)) for k, out in spec.map.items()],
                         default=self.p(spec.else_) if spec.else_ is not None else v)
        if spec.slug:
            v = exp.Nullif(this=_f("trim", _f("regexp_replace", _f("lower", v), self.p("[^0-9a-z]+"), self.p("_"),
                                                self.p("g")), self.p("_")), expression=exp.Literal.string(""))
        if spec.only_if is not None:
            v = exp.Case(ifs=[exp.If(this=self.test(spec.only_if), true=v)])
        if spec.fallback is not None:
            v = exp.func("coalesce", v, self.value(spec.fallback, None))
        if spec.default is not None:
            v = exp.func("coalesce", v, self.p(spec.default))
        if canonical_type in (INSTANT, DATE):
            v = self.instant(v, spec.formats if spec.formats is not None else self.m.date_formats,
                             date_only=canonical_type == DATE)
        elif canonical_type in (MONEY, WHOLE):
            v = self.number(v, spec.number or self.m.number)
        return v

    def instant(self, v: exp.Expression, formats: list[str], date_only: bool = False) -> exp.Expression:
        """The first format that parses gives ISO 8601 text without offset (read by the store in
        the agreement's timezone); a format without a time of day gives the date alone (the start
        of that day). Text no format parses is passed on unchanged: the store quarantines it
        unless it is ISO 8601 already."""
        if not formats:
            return v
        ifs = []
        for fmt in formats:
            parsed = _f("try_strptime", v, self.p(fmt))
            out = "%Y-%m-%dT%H:%M:%S" if TIME_DIRECTIVE.search(fmt) and not date_only else "%Y-%m-%d"
            ifs.append(exp.If(this=exp.not_(exp.Is(this=parsed, expression=exp.Null())),
                              true=_f("strftime", parsed, self.p(out))))
        return exp.Case(ifs=ifs, default=v)

    def number(self, v: exp.Expression, n: Number) -> exp.Expression:
        """`1.234,56 €`, `$1,234.56`, `(1,234)`, `GBP 12` to plain decimal text. A value that does not
        fit the stated separators, or names another currency than the agreement's, is passed on
        unchanged for the store to quarantine with its reason."""
        s = _f("regexp_replace", v, self.p(r"[\s\x{00a0}\x{202f}]"), self.p(""), self.p("g"))
        s = exp.Case(ifs=[exp.If(this=_f("regexp_full_match", s, self.p(r"\(.*\)")),
                                 true=exp.DPipe(this=self.p("-"), expression=_f("trim", s, self.p("()"))))],
                     default=s)
        symbol_pattern = f"(?:[A-Z]{{3}}|[{CURRENCY_SYMBOLS}])"
        code = exp.func("coalesce",
                        exp.Nullif(this=_f("regexp_extract", s, self.p(r"([A-Z]{3})$"), exp.Literal.number(1)),
                                   expression=exp.Literal.string("")),
                        exp.Nullif(this=_f("regexp_extract", s, self.p(r"^[+-]?([A-Z]{3})"), exp.Literal.number(1)),
                                   expression=exp.Literal.string("")))
        bare = _f("regexp_replace", s, self.p(rf"^([+-]?){symbol_pattern}"), self.p(r"\1"))
        bare = _f("regexp_replace", bare, self.p(rf"{symbol_pattern}$"), self.p(""))
        t, d = re.escape(n.thousands), re.escape(n.decimal)
        grouped = rf"\d{{1,3}}(?:{t}\d{{3}})+|" if n.thousands else ""
        valid = _f("regexp_full_match", bare, self.p(rf"[+-]?(?:{grouped}\d+)(?:{d}\d+)?"))
        plain = _f("replace", bare, self.p(n.thousands), self.p("")) if n.thousands else bare
        plain = _f("replace", plain, self.p(n.decimal), self.p("."))
        plain = _f("regexp_replace", plain, self.p(r"^\+"), self.p(""))
        symbol = exp.Nullif(this=_f("regexp_extract", s, self.p(f"[{CURRENCY_SYMBOLS}]")),
                            expression=exp.Literal.string(""))
        allowed = [sym for sym, codes in SYMBOL_CURRENCIES.items() if self.currency in codes]
        code_ok = exp.Or(this=exp.Is(this=code, expression=exp.Null()),
                         expression=exp.EQ(this=code, expression=self.p(self.currency)) if self.currency else exp.false())
        symbol_ok = exp.Or(this=exp.Is(this=symbol, expression=exp.Null()),
                           expression=exp.In(this=symbol, expressions=[self.p(a) for a in allowed]) if allowed else exp.false())
        ok = exp.and_(valid, code_ok, symbol_ok)
        return exp.Case(ifs=[exp.If(this=ok, true=plain)], default=v)

    # -- the query ----------------------------------------------------------------------------
    def base(self) -> exp.Expression | None:
        """The source rows (one per matching column when unpivoting), minus all-empty rows."""
        src = _table(self.file.table)
        not_blank = _not_blank(self.file.header, self.p)
        if self.o.unpivot is None:
            return exp.select("*").from_(src).where(not_blank)
        pattern = re.compile(self.o.unpivot.columns)
        parts = []
        groups = list(pattern.groupindex)
        self.virtual = [*groups, self.o.unpivot.value]
        for h in self.file.header:
            match = pattern.search(h)
            if not match:
                continue
            self.used.add(h)
            extra = [self.p(match.group(g)).as_(g) for g in groups]
            parts.append(exp.select("*", *extra, exp.cast(_ident(h), "VARCHAR").as_(self.o.unpivot.value))
                         .from_(src).where(exp.not_(exp.Is(this=self.clean(_ident(h)), expression=exp.Null()))))
        if not parts:
            return None
        union = parts[0]
        for part in parts[1:]:
            union = exp.union(union, part, distinct=False)
        return exp.select("*").from_(union.subquery("_u"))

    def select(self) -> tuple[exp.Expression | None, exp.Expression | None]:
        """(the staged SELECT, the SELECT counting source rows left out by `when`)."""
        base = self.base()
        if base is None:
            return None, None
        kinds = {c.name: c.type for c in COLUMNS[self.o.kind]}
        exprs = []
        for name in kinds:
            spec = self.o.columns.get(name)
            self.target = f"{self.o.kind}.{name} left empty"
            value = self.value(spec, kinds[name]) if spec is not None else exp.Null()
            exprs.append(exp.cast(value, "VARCHAR").as_(name))
        attributes = self.o.attributes
        if isinstance(attributes, dict):
            for name, spec in attributes.items():
                self.target = f"attribute {attribute_name(name)} left empty"
                exprs.append(exp.cast(self.value(spec, None), "VARCHAR").as_(attribute_name(name)))
        elif attributes == "rest":
            taken = set(kinds) | {"_row"}
            skip = [re.compile(pattern) for pattern in self.o.skip_attributes]
            for h in self.file.header:
                if h in self.used or h == "_row" or any(pattern.search(h) for pattern in skip):
                    continue
                name = attribute_name(h)
                name = f"crm_{name}" if name in taken else name
                taken.add(name)
                exprs.append(self.clean(_ident(h)).as_(name))
        exprs.append(exp.column("_row"))
        self.target = f"no {self.o.label} rows"
        when = exp.and_(*[self.test(t) for t in self.o.when]) if self.o.when else None
        filtered = base.where(when) if when is not None else base
        left_out = exp.select("count(*)").from_(base.where(exp.not_(when)).subquery("_w")) if when is not None else None
        relation: exp.Expression = filtered.subquery("b")
        if self.lookups:
            rel = exp.select("b.*", *[exp.column("v", table=a).as_(f"{a}_v") for a, _, _ in self.lookups]).from_(relation)
            for alias, on, keyed in self.lookups:
                rel = rel.join(keyed.subquery(alias), on=on, join_type="left")
            relation = rel.subquery("j")
            # Lookup values are re-read by name from the joined relation.
            exprs = [e.transform(_relookup) for e in exprs]
            if self.explode is not None:
                self.explode = self.explode.transform(_relookup)
        if self.explode is not None:
            relation = exp.select("*", exp.Unnest(expressions=[self.explode]).as_("_x")).from_(relation).subquery("e")
        return exp.select(*exprs).from_(relation), left_out


def _not_blank(header: list[str], params: _Params) -> exp.Expression:
    """A row with at least one non-blank cell."""
    if not header:
        return exp.true()
    return exp.or_(*[exp.not_(exp.Is(this=exp.Nullif(
        this=_f("trim", exp.cast(_ident(h), "VARCHAR"), params(TRIM_CHARS)), expression=exp.Literal.string("")),
        expression=exp.Null())) for h in header])


def _relookup(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Column) and node.table.startswith("_lk") and node.name == "v":
        return exp.column(f"{node.table}_v")
    return node


def attribute_name(header: str) -> str:
    """`Original Source Drill-Down 1` → `original_source_drill_down_1`: a name conditions can use."""
    name = re.sub(r"[^0-9a-z]+", "_", header.strip().lower()).strip("_")
    return name if name and not name[0].isdigit() else f"c_{name}"


def stage(con: duckdb.DuckDBPyConnection, mapping: Mapping, files: list[Path], currency: str | None,
          prefix: str = "_netlead_crm") -> list[Staged]:
    """Read `files`, and create one temporary staged table per kind and file. The caller imports
    them and then calls `drop(con, prefix)`."""
    sources = read_files(con, mapping, [Path(f) for f in files], prefix)
    staged: list[Staged] = []
    for index, file in enumerate(sources):
        staged.extend(_stage_file(con, mapping, file, sources, currency, f"{prefix}_{index}"))
    return staged


def _stage_file(con: duckdb.DuckDBPyConnection, mapping: Mapping, file: SourceFile, sources: list[SourceFile],
                currency: str | None, prefix: str) -> list[Staged]:
    params = _Params()
    name = file.path.name
    queries: dict[str, list[exp.Expression]] = {}
    notes: dict[str, list[str]] = {}
    missing: dict[str, dict[str, str]] = {}
    formats: dict[str, dict[str, str]] = {}
    for output in (o for o in mapping.outputs if o.from_ == file.source):
        kind_notes = notes.setdefault(output.kind, [])
        lacking = [t.column[0] for t in output.when if t.present and _find(file.header, t.column) is None]
        if lacking:
            # A derived output whose date column the export lacks: nothing to make, one note.
            kind_notes.append(f"{name}: no column {lacking[0]!r}: no {output.label}")
            continue
        built = _Output(mapping, output, file, sources, currency, params)
        query, left_out = built.select()
        if output.note:
            kind_notes.append(f"{name}: {output.note}")
        kind_notes.extend(f"{name}: {what}: {left}" for what, left in built.absent.items())
        if query is None:
            kind_notes.append(f"{name}: no column matches {output.unpivot.columns!r}: no {output.label}")
            continue
        if left_out is not None and (n := _run(con, left_out, params).fetchall()[0][0]):
            kind_notes.append(f"{name}: {_rows(n)} {'gives' if n == 1 else 'give'} no {output.label}: "
                              f"only rows where {_describe(output.when)} do")
        queries.setdefault(output.kind, []).append(query)
        types = {c.name: c.type for c in COLUMNS[output.kind]}
        for column, spec in output.columns.items():
            if spec.missing:
                missing.setdefault(output.kind, {}).setdefault(column, spec.missing)
            if how := _how_read(mapping, spec, types[column], currency):
                formats.setdefault(output.kind, {}).setdefault(column, how)
    staged = []
    for kind, selects in queries.items():
        table = f"{prefix}_{kind}"
        union = selects[0]
        for select in selects[1:]:
            union = exp.Union(this=union, expression=select, distinct=False, by_name=True)
        _run(con, exp.Create(this=_table(table), kind="TABLE", expression=union,
                             properties=exp.Properties(expressions=[exp.TemporaryProperty()])), params)
        rows = con.execute(exp.select("count(*)").from_(_table(table)).sql("duckdb")).fetchall()[0][0]
        kind_notes = list(dict.fromkeys([*notes.pop(kind), *_date_only_notes(con, kind, table, file)]))
        staged.append(Staged(kind, file, table, rows, kind_notes, missing.get(kind, {}), formats.get(kind, {})))
    if staged:
        # What concerns the whole file is said once, with its first kind; so are the notes of
        # kinds that made no rows at all.
        left_over = [n for kind_notes in notes.values() for n in kind_notes]
        staged[0].notes[:0] = list(dict.fromkeys([*file.notes, *left_over]))
    return staged


def _rows(n: int, what: str = "row") -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


def _how_read(mapping: Mapping, spec: Spec, column_type: str, currency: str | None) -> str | None:
    if column_type in (INSTANT, DATE):
        formats = spec.formats if spec.formats is not None else mapping.date_formats
        return f"the mapping reads dates as {' or '.join(formats)}" if formats else None
    if column_type in (MONEY, WHOLE):
        n = spec.number or mapping.number
        example = f"1{n.thousands}234{n.decimal}56" if column_type == MONEY else f"1{n.thousands}234"
        money = f" in {currency} (other currencies are not converted)" if column_type == MONEY and currency else ""
        return f"the mapping reads numbers written like {example}{money}"
    return None


def _describe(tests: list[Test]) -> str:
    """The `when` tests, as the rows they keep."""
    out = []
    for t in tests:
        if t.present is not None:
            out.append(f"{t.column[0]!r} {'is filled in' if t.present else 'is empty'}")
        elif t.in_ is not None:
            out.append(f"{t.column[0]!r} is one of {', '.join(t.in_)}")
        else:
            out.append(f"{t.column[0]!r} is none of {', '.join(t.not_in or [])}")
    return " and ".join(out)


def _date_only_notes(con: duckdb.DuckDBPyConnection, kind: str, table: str, file: SourceFile) -> list[str]:
    """Say how many instants had no time of day (they are read as the start of that local day)."""
    notes = []
    for column in (c.name for c in COLUMNS[kind] if c.type == INSTANT):
        params = _Params()
        n = _run(con, exp.select("count(*)").from_(_table(table)).where(
            _f("regexp_full_match", _ident(column), params(r"\d{4}-\d{2}-\d{2}"))), params).fetchall()[0][0]
        if n:
            notes.append(f"{file.path.name}: {_rows(n, f'{kind}.{column} value')} had a date without a time: "
                         "read as the start of that day in the agreement's timezone")
    return notes


def drop(con: duckdb.DuckDBPyConnection, prefix: str = "_netlead_crm") -> None:
    """Drop the temporary tables `stage` made."""
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, ?)", [prefix]
    ).fetchall()
    for (name,) in names:
        con.execute(exp.Drop(tables=[_table(name)], kind="TABLE", exists=True).sql("duckdb"))
