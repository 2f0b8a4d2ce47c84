"""What the loader keeps of a netlead.yaml it read (`load(path, cache=...)`): a later load of the
same text gives the same agreement without reading the YAML or the conditions again, and any
other text, netlead, or a damaged cache is read from the YAML."""

from __future__ import annotations

import json

import pytest
from agreement_texts import VALID, line_of

import netlead
from netlead.agreement import ConditionError, load, loader
from netlead.errors import AgreementError

# A condition naming an attribute (in capitals: resolved against the store's names in any case).
TEXT = VALID.replace("or company is null", "or PLAN = 'free'")


@pytest.fixture
def yaml_reads(monkeypatch) -> list[str]:
    """The texts the loader reads as YAML."""
    reads: list[str] = []
    real = loader._read_documents

    def read(text, issues):
        reads.append(text)
        return real(text, issues)

    monkeypatch.setattr(loader, "_read_documents", read)
    return reads


def same(a, b) -> None:
    assert [v.hash for v in a.versions] == [v.hash for v in b.versions]
    assert [v.model_dump() for v in a.versions] == [v.model_dump() for v in b.versions]
    assert [v.line for v in a.versions] == [v.line for v in b.versions]
    assert [[r.line for r in v.net.subtract] for v in a.versions] == [[r.line for r in v.net.subtract]
                                                                      for v in b.versions]
    assert [[(c.line, c.columns, c.attributes) for c in (r.condition for r in v.net.subtract) if c]
            for v in a.versions] == [[(c.line, c.columns, c.attributes)
                                      for c in (r.condition for r in v.net.subtract) if c] for v in b.versions]
    assert [a.text_of(v) for v in a.versions] == [b.text_of(v) for v in b.versions]
    assert a.assumed_attributes == b.assumed_attributes


def test_the_same_text_is_read_once(write, tmp_path, yaml_reads):
    path, cache = write(TEXT), tmp_path / "cache.json"
    first = load(path, cache=cache)
    assert cache.exists() and yaml_reads == [TEXT]
    again = load(path, cache=cache)
    assert yaml_reads == [TEXT]
    same(again, first)
    same(again, load(path))
    assert again.assumed_attributes == {"PLAN"}
    rules = again.latest.net.subtract
    assert [r.condition.sql("l") for r in rules[1:]] == [r.condition.sql("l") for r in first.latest.net.subtract[1:]]


def test_kept_conditions_resolve_names_against_the_attributes_of_each_load(write, tmp_path, yaml_reads):
    path, cache = write(TEXT), tmp_path / "cache.json"
    load(path, cache=cache)
    kept = load(path, attributes={"Plan"}, cache=cache)
    assert yaml_reads == [TEXT]
    same(kept, load(path, attributes={"Plan"}))
    assert kept.latest.net.subtract[1].when.attributes == {"Plan"}
    assert kept.latest.net.subtract[1].when.sql("l") == load(path, attributes={"Plan"}).latest.net.subtract[1].when.sql("l")
    with pytest.raises(AgreementError) as kept_error:
        load(path, attributes={"seats"}, cache=cache)
    with pytest.raises(AgreementError) as read_error:
        load(path, attributes={"seats"})
    assert kept_error.value.issues == read_error.value.issues
    assert f"netlead.yaml:{line_of(TEXT, 'PLAN')}: net.subtract[1].when: unknown column 'PLAN'" in kept_error.value.issues[0]


def test_another_text_version_or_a_damaged_cache_is_read_from_the_yaml(write, tmp_path, yaml_reads, monkeypatch):
    path, cache = write(TEXT), tmp_path / "cache.json"
    load(path, cache=cache)
    edited = TEXT.replace("default_margin: 0.40", "default_margin: 0.45")
    path.write_text(edited)
    assert load(path, cache=cache).latest.default_margin == load(path).latest.default_margin
    assert yaml_reads[-2:] == [edited, edited]
    load(path, cache=cache)
    assert len(yaml_reads) == 3  # the edited text was kept in place of the first
    cache.write_text(cache.read_text()[:100])
    load(path, cache=cache)
    monkeypatch.setattr(netlead, "__version__", "99.0")
    load(path, cache=cache)
    assert len(yaml_reads) == 5


def test_an_agreement_with_issues_is_not_kept(write, tmp_path):
    path, cache = write(TEXT.replace("min_answers: 2", "min_answers: 9")), tmp_path / "cache.json"
    with pytest.raises(AgreementError):
        load(path, cache=cache)
    assert not cache.exists()


def test_a_tampered_cache_cannot_pass_a_condition_the_whitelist_refuses(write, tmp_path):
    path, cache = write(TEXT), tmp_path / "cache.json"
    load(path, cache=cache)
    text = cache.read_text()
    assert text.count("PLAN = 'free'") >= 2  # in the document and in the names kept
    cache.write_text(text.replace("PLAN = 'free'", "country in (select email from leads)"))
    condition = load(path, cache=cache).latest.net.subtract[1].when
    with pytest.raises(ConditionError, match="not allowed"):
        condition.sql("l")


def test_a_folder_that_cannot_be_written_still_loads(write, tmp_path):
    path = write(TEXT)
    assert load(path, cache=tmp_path / "missing" / "cache.json").latest.version == 1


def test_the_cache_keeps_types_apart():
    data = {"a": [1, True, None, "1", "0.40"], 2: {"x": loader.Decimal("0.40")}}
    kept = json.loads(json.dumps(loader._encode(data)))
    assert loader._decode(kept) == data
    assert [type(v) for v in loader._decode(kept)["a"]] == [int, bool, type(None), str, str]
    assert str(loader._decode(kept)[2]["x"]) == "0.40"
    with pytest.raises(loader._NotKept):
        loader._encode({"when": loader.date(2026, 1, 1)})
