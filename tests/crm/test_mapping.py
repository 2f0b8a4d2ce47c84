"""Mapping files: the shipped ones load; a wrong one is refused with every problem at its line."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from netlead.crm import BUILT_IN, MappingError, load
from netlead.errors import NetleadError

from .conftest import DATA, EXAMPLE


def write(tmp_path, text: str, name: str = "my-crm.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", BUILT_IN)
def test_built_in_mappings_load(name):
    mapping = load(name)
    assert mapping.name == name
    assert {o.kind for o in mapping.outputs} == {"leads", "lead_events", "opportunities", "opportunity_stages"}


def test_hubspot_says_which_lifecycle_date_is_issued_and_which_is_responded():
    events = {o.columns["type"].value: o for o in load("hubspot").outputs if o.kind == "lead_events"}
    assert events["issued"].columns["occurred_at"].column == ["Became a Sales Qualified Lead Date"]
    assert events["responded"].columns["occurred_at"].column == ["Date of first engagement"]


def test_the_maven_example_mapping_loads():
    mapping = load(EXAMPLE / "maven-crm.yaml")
    assert list(mapping.sources) == ["pipeline", "accounts"]


def test_extends_replaces_only_the_keys_given():
    uk = load(DATA / "salesforce" / "uk.yaml")
    base = load("salesforce")
    assert uk.name == "salesforce-uk"
    assert uk.date_formats == ["%d/%m/%Y %H:%M", "%d/%m/%Y"]
    assert (uk.number.decimal, uk.number.thousands) == (",", ".")
    assert uk.outputs == base.outputs and uk.sources == base.sources


def test_shape_errors_are_all_reported_with_their_lines(tmp_path):
    path = write(tmp_path, """
        name: broken
        sources:
          deals:
            header: [Deal ID]
        outputs:
          - kind: opportunities
            from: deals
            columns:
              opportunity_id: Deal ID
              status: {column: Stage, value: open}
            colour: red
          - kind: lead_event
            from: deals
            columns: {}
    """)
    with pytest.raises(MappingError) as caught:
        load(path)
    issues = caught.value.issues
    assert any(i.startswith(f"{path}:10: outputs.0.columns.status") and "exactly one of column, value" in i
               for i in issues), issues
    assert f"{path}:11: outputs.0.colour: unknown key — allowed: kind, from, name, when, unpivot, columns, " \
        "attributes, skip_attributes, note" in issues
    assert any(i.startswith(f"{path}:12: outputs.1.kind") for i in issues), issues


def test_meaning_errors_are_all_reported_with_their_lines(tmp_path):
    path = write(tmp_path, """
        name: broken
        date_formats: ["%d/%m/%Y", "%Q"]
        sources:
          deals:
            header: [Deal ID]
        outputs:
          - kind: opportunities
            from: deal
            columns:
              opportunity_id: Deal ID
              created_on: Created
              lead_id:
                lookup: {source: contacts, key: ID, value: ID, by: Contact}
    """)
    with pytest.raises(MappingError) as caught:
        load(path)
    issues = caught.value.issues
    assert f"{path}:8: from: 'deal' is not a source — one of deals" in issues
    assert any(i.startswith(f"{path}:11: 'created_on' is not a column of opportunities — one of")
               for i in issues), issues
    assert f"{path}:9: opportunities needs created_at, status — map each of them" in issues
    assert f"{path}:12: lookup source 'contacts' is not a source — one of deals" in issues
    assert any(i.startswith(f"{path}:2: date_formats: '%Q' is not a date format") for i in issues), issues


def test_not_yaml_gives_the_line(tmp_path):
    path = write(tmp_path, "name: x\nsources: [\n  a: b\n")
    with pytest.raises(MappingError) as caught:
        load(path)
    assert caught.value.issues[0].startswith(f"{path}:")
    assert "not valid YAML" in caught.value.issues[0]


def test_an_unknown_mapping_name_says_what_is_allowed():
    with pytest.raises(NetleadError) as caught:
        load("pipedrive")
    assert "hubspot, salesforce" in caught.value.hint


def test_the_yaml_examples_of_the_crm_readme_load(tmp_path):
    readme = (Path(__file__).parents[2] / "src" / "netlead" / "crm" / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    assert len(examples) == 2
    for i, text in enumerate(examples):
        assert load(write(tmp_path, text, f"example{i}.yaml")).name


def test_extends_a_file_next_to_it(tmp_path):
    base = (DATA / "salesforce" / "uk.yaml").read_text(encoding="utf-8")
    write(tmp_path, base, "uk.yaml")
    child = write(tmp_path, "extends: uk.yaml\nname: uk-2\n", "child.yaml")
    assert load(child).date_formats == ["%d/%m/%Y %H:%M", "%d/%m/%Y"]
