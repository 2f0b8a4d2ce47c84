"""Reading netlead.yaml: every problem is collected with its line, never just the first.

ruamel.yaml's round-trip loader keeps where each key and list item was (`.lc`); the YAML is turned
into plain Python plus a map from each path (`("net", "subtract", 0, "when")`) to its line, so a
pydantic error location, or a check across fields, can point at the line to fix.

Reading the YAML and the rules' conditions (ruamel.yaml and SQLGlot, with their imports) costs a
command more than validating what they give. A workspace therefore keeps what was read from its
netlead.yaml in a cache file beside it (`load(path, cache=...)`): the plain Python of each
document with its lines, and the column names of each condition, as JSON, under the SHA-256 of
the exact text and of the netlead code that read it. A later load of the same text by the same
code validates that (pydantic, every check of the loader) without reading the YAML again, and a
condition's text is read and checked again by SQLGlot when it is compiled. Anything else (another
text, another netlead, a cache that cannot be read) is read from the YAML.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

import netlead
from netlead.errors import AgreementError

from .models import Version
from .versions import Agreement

Loc = tuple[str | int, ...]
_SEPARATOR = re.compile(r"^(---|\.\.\.)(\s|$)")


class _Issues:
    def __init__(self, file_name: str):
        self.file_name = file_name
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, message: str) -> None:
        self.items.append((line, f"{self.file_name}:{line}: {message}"))

    def sorted(self) -> list[str]:
        return [text for _, text in sorted(self.items, key=lambda item: item[0])]


def load(path: str | Path, attributes: set[str] | None = None, cache: str | Path | None = None) -> Agreement:
    """Read and check netlead.yaml. `attributes` are the lead attribute names the store has seen;
    None lets unknown names in conditions through as attributes (`Agreement.assumed_attributes`).
    `cache` is a file where what was read is kept for the next load of the same text (see above).
    Raises AgreementError listing every problem as `FILE:LINE: what is wrong — what is allowed`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise AgreementError([f"{path}: cannot read the agreement: {error}"]) from None
    return loads(text, path, attributes, cache)


def loads(text: str, path: str | Path = "netlead.yaml", attributes: set[str] | None = None,
          cache: str | Path | None = None) -> Agreement:
    """`load` from text already read; `path` names the file in messages and in the Agreement."""
    path = Path(path)
    issues = _Issues(path.name)
    key = _cache_key(text) if cache is not None else None
    kept = _read_cache(Path(cache), key) if cache is not None else None
    documents, names = kept if kept is not None else (_read_documents(text, issues), {})
    context: dict[str, Any] = {
        "attributes": None if attributes is None else set(attributes),
        "assumed": set(),
        "names": names,
    }
    versions: list[tuple[Version, dict[Loc, int]]] = []
    for data, lines in documents:
        try:
            version = Version.model_validate(data, context=context)
        except ValidationError as error:
            for detail in error.errors():
                loc = tuple(detail["loc"])
                issues.add(_find_line(lines, loc), _describe(detail, loc))
            continue
        _attach_lines(version, lines)
        _check_version(version, lines, issues)
        versions.append((version, lines))
    _check_across(versions, issues)
    if not versions and not issues.items:
        issues.add(1, "the file holds no version — write one (netlead init writes a commented example)")
    if issues.items:
        raise AgreementError(issues.sorted(), hint=f"Fix {path.name} and run the command again.")
    if cache is not None and kept is None:
        _write_cache(Path(cache), key, documents, context["names"])
    texts = {id(v): _document_text(text, v.line) for v, _ in versions}
    return Agreement(
        path=path,
        versions=[v for v, _ in versions],
        texts=texts,
        assumed_attributes=frozenset(context["assumed"]) if attributes is None else frozenset(),
    )


# --- reading YAML -----------------------------------------------------------------------------


def _read_documents(text: str, issues: _Issues) -> list[tuple[Any, dict[Loc, int]]]:
    """Each YAML document as plain Python with the lines of its keys and items."""
    from ruamel.yaml.comments import CommentedMap

    documents = []
    for document in _documents(text, issues):
        if not isinstance(document, CommentedMap):
            issues.add(
                _line_of(document),
                "a version is a mapping of keys (version, effective_from, …) — see netlead init's template",
            )
            continue
        lines: dict[Loc, int] = {(): document.lc.line + 1}
        documents.append((_plain(document, (), lines), lines))
    return documents


@functools.cache
def _constructor() -> type:
    """ruamel's round-trip constructor, except that dates stay text for pydantic to read: ruamel
    raises a bare ValueError, without a line, on an impossible date such as 2026-13-01. A
    subclass, so other users of ruamel are unaffected."""
    from ruamel.yaml.constructor import RoundTripConstructor

    class Constructor(RoundTripConstructor):
        pass

    Constructor.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda constructor, node: str(constructor.construct_scalar(node))
    )
    return Constructor


def _documents(text: str, issues: _Issues) -> list[Any]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    documents: list[Any] = []
    yaml = YAML(typ="rt")
    yaml.Constructor = _constructor()
    try:
        for document in yaml.load_all(text):
            if document is not None:  # an empty document, e.g. after a trailing `---`
                documents.append(document)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        issues.add(
            mark.line + 1 if mark else 1,
            f"not valid YAML: {problem} — check the indentation and quoting here",
        )
    return documents


def _line_of(node: Any) -> int:
    lc = getattr(node, "lc", None)
    return lc.line + 1 if lc is not None and lc.line is not None else 1


def _plain(node: Any, loc: Loc, lines: dict[Loc, int]) -> Any:
    """ruamel's nodes as plain Python, recording the 1-based line of every key and item."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            lines[loc + (key,)] = node.lc.key(key)[0] + 1
            out[key] = _plain(value, loc + (key,), lines)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            lines[loc + (index,)] = node.lc.item(index)[0] + 1
            items.append(_plain(value, loc + (index,), lines))
        return items
    if isinstance(node, bool) or node is None or isinstance(node, date | datetime):
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        # Money and shares are exact decimals: 0.40 is read as Decimal("0.4"), not a binary float.
        return Decimal(repr(float(node)))
    if isinstance(node, str):
        return str(node)
    return node  # a tagged scalar or the like: pydantic reports its type


def _find_line(lines: dict[Loc, int], loc: Loc) -> int:
    """The line of the longest known prefix of loc (a missing key points at its parent)."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def _document_text(text: str, line: int) -> str:
    """The source of the YAML document holding 1-based `line`, without its `---` separators."""
    chunk: list[str] = []
    for number, source_line in enumerate(text.splitlines(keepends=True), start=1):
        if _SEPARATOR.match(source_line):
            if number > line:
                break
            chunk = []
            continue
        chunk.append(source_line)
    return "".join(chunk)


# --- what was read, kept for the next load -------------------------------------------------------

# The code whose output the cache holds: a change to it (or to the netlead version) is another key.
_READERS = (Path(__file__), Path(__file__).with_name("condition_sql.py"))
_FORMAT = 1


def _cache_key(text: str) -> str | None:
    digest = hashlib.sha256(f"netlead {netlead.__version__} format {_FORMAT}\n".encode())
    try:
        for reader in _READERS:
            digest.update(reader.read_bytes())
    except OSError:
        return None
    digest.update(text.encode("utf-8"))
    return digest.hexdigest()


class _NotKept(Exception):
    """A value the cache does not write (the YAML held something other than plain data)."""


def _encode(value: Any) -> Any:
    """Plain data as JSON that tells every type apart (a Decimal is not a float, keys need not be text)."""
    if isinstance(value, dict):
        return {"map": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return {"list": [_encode(v) for v in value]}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if value is None or type(value) in (bool, int, str):
        return {"value": value}
    raise _NotKept(type(value).__name__)


def _decode(node: dict) -> Any:
    if "map" in node:
        return {_decode(k): _decode(v) for k, v in node["map"]}
    if "list" in node:
        return [_decode(v) for v in node["list"]]
    if "decimal" in node:
        return Decimal(node["decimal"])
    value = node["value"]
    if value is not None and type(value) not in (bool, int, str):
        raise ValueError("not plain data")
    return value


def _read_cache(cache: Path, key: str | None) -> tuple[list, dict] | None:
    """(documents as `_read_documents` gives them, condition names) kept for exactly this text and
    code, else None: a missing, stale or damaged cache only means reading the YAML."""
    if key is None:
        return None
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
        if kept["key"] != key:
            return None
        documents = [(_decode(d["data"]), {tuple(loc): line for loc, line in d["lines"]}) for d in kept["documents"]]
        names = {text: tuple((name, quoted) for name, quoted in pairs) for text, pairs in kept["names"]}
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return None
    return documents, names


def _write_cache(cache: Path, key: str | None, documents: list, names: dict) -> None:
    """Keep what was read, replacing the file whole (readers never see half of it); a workspace
    that cannot be written to just reads its YAML every time."""
    if key is None:
        return
    try:
        kept = {
            "key": key,
            "documents": [{"data": _encode(data), "lines": [[list(loc), line] for loc, line in lines.items()]}
                          for data, lines in documents],
            "names": [[text, [list(pair) for pair in pairs]] for text, pairs in names.items()],
        }
    except _NotKept:
        return
    partial = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        partial.write_text(json.dumps(kept), encoding="utf-8")
        os.replace(partial, cache)
    except OSError:
        partial.unlink(missing_ok=True)


# --- messages for pydantic's errors -------------------------------------------------------------


def _where(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            continue
        else:
            out += f".{part}" if out else str(part)
    return out or "the version"


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model that the path leads to, following field annotations from Version."""
    annotation: Any = Version
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return None
            annotation = field.annotation
        elif typing.get_origin(annotation) in (list, dict):
            annotation = typing.get_args(annotation)[-1]
        else:
            return None
    annotation = _unwrap(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional and Annotated down to the type that carries structure."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _allowed_keys(loc: Loc) -> str:
    model = _model_at(loc)
    return ", ".join(model.model_fields) if model else "none"


def _shown(value: Any) -> str:
    """A value as it was written in YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Decimal | int):
        return str(value)
    return repr(value)


def _describe(detail: dict[str, Any], loc: Loc) -> str:
    kind, value = detail["type"], _shown(detail.get("input"))
    where = _where(loc)
    if kind == "extra_forbidden":
        return f"unknown key {loc[-1]!r} in {_where(loc[:-1])} — allowed here: {_allowed_keys(loc[:-1])}"
    if kind == "missing":
        return (
            f"{where} is missing — it is required in {_where(loc[:-1])}, which has: {_allowed_keys(loc[:-1])}"
        )
    if kind == "value_error":
        message = str(detail["ctx"]["error"]) if "ctx" in detail else detail["msg"]
        return f"{where}: {message}"
    if kind == "literal_error":
        what = "key" if loc and loc[-1] == "[key]" else "value"
        return f"{where}: {value} is not an allowed {what} — use one of {detail['ctx']['expected']}"
    if kind == "string_pattern_mismatch":
        if loc and loc[-1] == "currency":
            return f"currency {value} is not a currency code — use three capital letters, such as GBP, EUR or USD"
        return (
            f"{where}: {value} is not a name — use lower-case letters, digits and _, starting with a letter"
        )
    if kind.startswith("int_"):
        return f"{where}: {value} is not a whole number — write a whole number, such as 90"
    if kind.startswith(("decimal_", "float_")):
        return f"{where}: {value} is not a number — write a number, such as 0.4"
    if kind.startswith("date"):
        return f"{where}: {value} is not a date — write a date as YYYY-MM-DD, such as 2026-01-01"
    if kind.startswith("time"):
        return f'{where}: {value} is not a time of day — write HH:MM in quotes, such as "09:00"'
    if kind in ("string_type", "str_type"):
        return f"{where}: {value} is not text — write text (in quotes if it looks like a number)"
    if kind == "list_type":
        return f"{where}: expected a list — write a list, such as [a, b] or one `- item` per line"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{where}: expected a mapping of keys — allowed keys: {_allowed_keys(loc)}"
    if kind == "string_too_short":
        return f"{where} is empty — write some text"
    if kind == "too_short":
        return f"{where} is empty — list at least {detail['ctx'].get('min_length', 1)}"
    if kind == "too_long":
        return f"{where} is too long — at most {detail['ctx'].get('max_length')}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(detail["ctx"].values()))
        words = {"greater_than": "more than", "greater_than_equal": "at least",
                 "less_than": "less than", "less_than_equal": "at most"}  # fmt: skip
        return f"{where}: {value} is out of range — it must be {words[kind]} {bound}"
    return f"{where}: {detail['msg']}"


# --- checks that need lines or several parts of the file ------------------------------------------


def _attach_lines(version: Version, lines: dict[Loc, int]) -> None:
    """Give the version, its rules and its conditions the lines they came from (private state,
    so frozen models stay frozen for everything that is part of the agreement)."""
    version._line = lines[()]
    for index, rule in enumerate(version.net.subtract):
        rule._line = lines[("net", "subtract", index)]
        for key in ("when", "unless"):
            condition = getattr(rule, key)
            if condition is not None:
                condition.line = lines[("net", "subtract", index, key)]
    for index, route in enumerate(version.routing):
        if route.when is not None:
            route.when.line = lines[("routing", index, "when")]
    for kind, source in version.sources.items():
        source._line = lines[("sources", kind)]


def _check_version(version: Version, lines: dict[Loc, int], issues: _Issues) -> None:
    for index, route in enumerate(version.routing):
        if route.team is not None and route.team not in version.teams:
            teams = ", ".join(version.teams) or "none are defined under teams"
            issues.add(
                _find_line(lines, ("routing", index, "team")),
                f"routing[{index}].team: unknown team {route.team!r} — teams: {teams}",
            )


def _check_across(versions: list[tuple[Version, dict[Loc, int]]], issues: _Issues) -> None:
    """Versions differ only in what may change over time (T4)."""
    first_seen: dict[Any, int] = {}
    numbers: dict[int, int] = {}
    for version, lines in versions:
        if version.effective_from in first_seen:
            issues.add(
                _find_line(lines, ("effective_from",)),
                f"another version (line {first_seen[version.effective_from]}) also takes effect on "
                f"{version.effective_from} — each version has its own effective_from; to change a version "
                "edit it, with a restatement if its quarter has started",
            )
        first_seen.setdefault(version.effective_from, version.line)
        if version.version in numbers:
            issues.add(
                _find_line(lines, ("version",)),
                f"version {version.version} is also the number of the version at line {numbers[version.version]} "
                "— give each version its own number",
            )
        numbers.setdefault(version.version, version.line)
    if not versions:
        return
    reference = versions[0][0]
    for version, lines in versions[1:]:
        if version.calendar != reference.calendar:
            issues.add(
                _find_line(lines, ("calendar",)),
                f"the calendar differs from the version at line {reference.line} — the calendar is the same "
                "in every version: changing it restates them all, so change it in every version",
            )
        if version.sources != reference.sources:
            issues.add(
                _find_line(lines, ("sources",)),
                f"sources differ from the version at line {reference.line} — where the data lives is the same "
                "in every version: change it in every version",
            )
        if version.currency != reference.currency:
            issues.add(
                _find_line(lines, ("currency",)),
                f"currency {version.currency} differs from {reference.currency} (version at line "
                f"{reference.line}) — the currency is the same in every version",
            )
