"""A CRM mapping file: which export files it reads (recognised by their header) and how their
columns become netlead's canonical rows. The HubSpot and Salesforce importers are mapping files
shipped in `netlead/crm/mappings/`; a user's own file has the same shape (see the README,
"Import from your CRM"). Loaded from YAML with line numbers; every problem is reported as
`FILE:LINE: what is wrong — what is allowed`, all of them at once."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from netlead.errors import NetleadError
from netlead.store.columns import COLUMNS, KINDS, required

BUILT_IN = ("hubspot", "salesforce")
TEMPLATE_FIELD = re.compile(r"\{([^{}]+)\}")


class MappingError(NetleadError):
    """A mapping file is not valid; `issues` holds every problem as `FILE:LINE: what — allowed`."""

    def __init__(self, issues: list[str], hint: str | None = None):
        super().__init__("\n".join(issues), hint)
        self.issues = issues


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


Names = Annotated[list[str], Field(min_length=1)]


def _names(value: Any) -> Any:
    """A column may be named by one header or by a list of alternatives (first present wins)."""
    return [value] if isinstance(value, str) else value


class Source(Model):
    """A kind of export file. A file belongs to the source whose `header` columns it all has (an
    entry may be a list of alternatives: `[[Record ID, Contact ID], Lifecycle Stage]`)."""

    header: Annotated[list[Names], Field(min_length=1)]

    @model_validator(mode="before")
    @classmethod
    def _alternatives(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("header"), list):
            data = {**data, "header": [_names(h) for h in data["header"]]}
        return data


class Test(Model):
    """A row test on a source column (trimmed; `in`/`not_in` compare case-insensitively)."""

    column: Names
    present: bool | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    not_in: list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _alternatives(cls, data: Any) -> Any:
        if isinstance(data, dict) and "column" in data:
            data = {**data, "column": _names(data["column"])}
        return data

    @model_validator(mode="after")
    def _one_test(self) -> Test:
        given = [t for t in (self.present, self.in_, self.not_in) if t is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of present, in, not_in")
        return self


class Number(Model):
    """How amounts are written: `1.234,56 €` is decimal "," and thousands "."."""

    decimal: Literal[".", ","] = "."
    thousands: Literal[",", ".", " ", "'", ""] = ","

    @model_validator(mode="after")
    def _different(self) -> Number:
        if self.decimal == self.thousands:
            raise ValueError(f"decimal and thousands are both {self.decimal!r} — they must differ")
        return self


class Lookup(Model):
    """Take `value` from the row of another source whose `key` equals this row's `by`."""

    source: str
    key: str
    value: str
    by: Names
    split: str | None = Field(default=None, min_length=1)   # the other source's key cell holds several keys

    @model_validator(mode="before")
    @classmethod
    def _alternatives(cls, data: Any) -> Any:
        if isinstance(data, dict) and "by" in data:
            data = {**data, "by": _names(data["by"])}
        return data


class Spec(Model):
    """How one canonical column (or attribute) is filled. Exactly one of `column` (a header, or a
    list of alternative headers), `value` (a constant), `template` (`"{Record ID}:issued"`) or
    `lookup`. Then, in order: `split` a multi-value cell (`pick` the first, the last, or
    `explode` into one row per value), `map` values (case-insensitive; unmapped values pass
    through unchanged unless `else` is given), `slug` (lower case, `_` between words), `only_if`
    a test holds, else the `fallback` spec, else `default`. A template field may name
    alternatives: `{Record ID|Contact ID}`. Instants
    are parsed with `formats` (else the mapping's `date_formats`); amounts and whole numbers
    with `number` (else the mapping's)."""

    column: Names | None = None
    value: str | None = None
    template: str | None = None
    lookup: Lookup | None = None
    split: str | None = Field(default=None, min_length=1)
    pick: Literal["first", "last", "explode"] = "first"
    map: dict[str, str] | None = None
    else_: str | None = Field(default=None, alias="else")
    slug: bool = False                # "Closed Won" → closed_won (journey stage names)
    only_if: Test | None = None
    default: str | None = None
    fallback: Spec | None = None
    formats: list[str] | None = None
    number: Number | None = None
    missing: str | None = None        # why a row without this value cannot be placed: added to
                                      # the reason of its quarantine

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str | list):
            return {"column": _names(data)}
        if isinstance(data, dict):
            data = dict(data)
            if "column" in data:
                data["column"] = _names(data["column"])
            for key in ("value", "default", "else"):
                if isinstance(data.get(key), int | float | bool):
                    data[key] = str(data[key]).lower() if isinstance(data[key], bool) else str(data[key])
            if isinstance(data.get("map"), dict):
                data["map"] = {str(k): str(v) for k, v in data["map"].items()}
        return data

    @model_validator(mode="after")
    def _one_origin(self) -> Spec:
        given = [n for n in ("column", "value", "template", "lookup") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of column, value, template, lookup")
        if self.else_ is not None and not self.map:
            raise ValueError("else goes with map: the value for anything the map does not name")
        if self.template is not None and not TEMPLATE_FIELD.search(self.template):
            raise ValueError("a template names at least one column in braces, like \"{Record ID}:issued\"")
        return self


class Unpivot(Model):
    """One row per header matching `columns` (a regular expression) with a non-empty cell; the
    cell is the virtual column `value`, and the pattern's named groups are virtual columns too."""

    columns: str
    value: str

    @model_validator(mode="after")
    def _compiles(self) -> Unpivot:
        try:
            re.compile(self.columns)
        except re.error as e:
            raise ValueError(f"columns is not a regular expression: {e}") from e
        return self


class Output(Model):
    """Rows of one canonical kind made from each row of one source (derived rows: several outputs
    may read the same source)."""

    kind: Literal[KINDS]  # type: ignore[valid-type]
    from_: str = Field(alias="from")
    name: str | None = None
    when: list[Test] = Field(default_factory=list)
    unpivot: Unpivot | None = None
    columns: dict[str, Spec]
    attributes: Literal["rest", "none"] | dict[str, Spec] = "none"
    skip_attributes: list[str] = Field(default_factory=list)   # with `rest`: header patterns left out
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_test(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("when"), dict):
            data = {**data, "when": [data["when"]]}
        return data

    @property
    def label(self) -> str:
        return self.name or self.kind


class Mapping(Model):
    name: str
    description: str | None = None
    extends: str | None = None
    date_formats: list[str] = Field(default_factory=list)
    number: Number = Number()
    sources: dict[str, Source] = Field(min_length=1)
    outputs: list[Output] = Field(min_length=1)
    # Not part of the file: where it was read from, and line numbers for later messages.
    path: str = Field(default="", exclude=True)


def _line(node: Any, path: tuple) -> int:
    """The 1-based line of the deepest key or item of `path` found in the ruamel tree."""
    line = 1
    for part in path:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    return line


def _read(path: Path) -> tuple[CommentedMap, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise NetleadError(f"cannot read the mapping file {path}: {e}") from e
    try:
        doc = YAML().load(text)
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise MappingError([f"{where}: not valid YAML — {getattr(e, 'problem', e)}"]) from e
    if not isinstance(doc, CommentedMap):
        raise MappingError([f"{path}:1: a mapping file is a YAML mapping with name, sources and outputs"])
    return doc, text


def _merged(path: Path, seen: list[Path]) -> tuple[dict, dict[str, tuple[Path, CommentedMap]]]:
    """The file's top-level keys, over those of the mapping it `extends` (recursively), with the
    file and tree each key comes from (for line numbers)."""
    if path.resolve() in seen:
        raise MappingError([f"{path}:1: extends: the mappings extend each other in a circle"])
    doc, _ = _read(path)
    data: dict = {}
    origin: dict[str, tuple[Path, CommentedMap]] = {}
    extends = doc.get("extends")
    if isinstance(extends, str):
        # `extends: salesforce` takes the other mapping and replaces the top-level keys given here
        # (say `date_formats` for day-first dates).
        base = resolve(extends if extends in BUILT_IN else path.parent / extends)
        data, origin = _merged(base, [*seen, path.resolve()])
    data.update(doc)
    origin.update({key: (path, doc) for key in doc})
    return data, origin


def resolve(mapping: str | Path) -> Path:
    """`hubspot`, `salesforce`, or the path of a mapping file."""
    if isinstance(mapping, str) and mapping in BUILT_IN:
        return Path(str(resources.files("netlead.crm").joinpath("mappings", f"{mapping}.yaml")))
    path = Path(mapping)
    if not path.exists():
        raise NetleadError(
            f"no mapping {str(mapping)!r}",
            f"use one of {', '.join(BUILT_IN)} or the path of a mapping file (.yaml)",
        )
    return path


def load(mapping: str | Path) -> Mapping:
    """Load and check a mapping (`hubspot`, `salesforce` or a path); raises `MappingError` listing
    every problem with its file and line."""
    path = resolve(mapping)
    data, origin = _merged(path, [])
    doc, _ = _read(path)

    def where(loc: tuple) -> str:
        file, tree = origin.get(loc[0], (path, doc)) if loc else (path, doc)
        return f"{file}:{_line(tree, loc)}"

    try:
        model = Mapping.model_validate({**data, "path": str(path)})
    except ValidationError as e:
        issues = []
        for err in e.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "str", "list["))))
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = f"unknown key — allowed: {', '.join(_allowed_keys(loc[:-1]))}"
            issues.append(f"{where(loc)}: {'.'.join(str(p) for p in loc)}: {message}")
        raise MappingError(issues) from None
    issues = [f"{where(loc)}: {msg}" for loc, msg in _check(model)]
    if issues:
        raise MappingError(issues)
    return model


def _allowed_keys(loc: tuple) -> list[str]:
    """The keys the model at `loc` (a path into the file) accepts, as written in the file."""
    model: type[BaseModel] = Mapping
    for part in loc:
        if isinstance(part, int) or part not in {f.alias or n for n, f in model.model_fields.items()}:
            continue
        field = next(f for n, f in model.model_fields.items() if (f.alias or n) == part)
        inner = _model_in(field.annotation)
        if inner is None:
            break
        model = inner
    return [f.alias or n for n, f in model.model_fields.items() if n != "path"]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _bad_format(fmt: str) -> str | None:
    """Why DuckDB's strptime refuses a date format, or None."""
    try:
        duckdb.execute("SELECT try_strptime('2000-01-01', ?)", [fmt]).fetchall()
    except duckdb.Error as e:
        return str(e).strip().splitlines()[0]
    return None


def _check(m: Mapping) -> list[tuple[tuple, str]]:
    """Checks across keys: sources named, canonical columns known and required ones mapped, date
    formats that DuckDB reads."""
    issues: list[tuple[tuple, str]] = []
    for fmt in m.date_formats:
        if why := _bad_format(fmt):
            issues.append((("date_formats",), f"date_formats: {fmt!r} is not a date format — {why}"))
    sources = ", ".join(m.sources)
    for i, out in enumerate(m.outputs):
        at = ("outputs", i)
        if out.from_ not in m.sources:
            issues.append(((*at, "from"), f"from: {out.from_!r} is not a source — one of {sources}"))
        known = [c.name for c in COLUMNS[out.kind]]
        for name in out.columns:
            if name not in known:
                issues.append(((*at, "columns", name),
                               f"{name!r} is not a column of {out.kind} — one of {', '.join(known)}"))
        missing = [c for c in required(out.kind) if c not in out.columns]
        if missing:
            issues.append(((*at, "columns"), f"{out.kind} needs {', '.join(missing)} — map each of them"))
        if isinstance(out.attributes, dict):
            for name in out.attributes:
                if name in known:
                    issues.append(((*at, "attributes", name),
                                   f"{name!r} is a column of {out.kind} — put it under columns"))
        specs = [*out.columns.items(), *(out.attributes.items() if isinstance(out.attributes, dict) else [])]
        explode = [n for n, s in specs if s.pick == "explode"]
        if len(explode) > 1:
            issues.append(((*at, "columns", explode[1]), "only one column of an output may explode"))
        for name, spec in specs:
            place = (*at, "columns" if name in out.columns else "attributes", name)
            while spec is not None:
                if spec.lookup and spec.lookup.source not in m.sources:
                    issues.append((place, f"lookup source {spec.lookup.source!r} is not a source — one of {sources}"))
                if spec.pick == "explode" and spec.split is None:
                    issues.append((place, "pick: explode needs split (the separator)"))
                for fmt in spec.formats or []:
                    if why := _bad_format(fmt):
                        issues.append((place, f"formats: {fmt!r} is not a date format — {why}"))
                spec = spec.fallback
    return issues
