"""The netlead.yaml that `netlead init` writes loads cleanly and starts at the current quarter."""

from __future__ import annotations

from datetime import date

import pytest

from netlead.agreement import load, template


@pytest.mark.parametrize(
    ("today", "quarter_start"),
    [
        (date(2026, 11, 22), date(2026, 10, 1)),
        (date(2026, 1, 1), date(2026, 1, 1)),
        (date(2026, 3, 31), date(2026, 1, 1)),
        (date(2027, 6, 30), date(2027, 4, 1)),
        (date(2027, 7, 1), date(2027, 7, 1)),
    ],
)
def test_template_loads_and_starts_at_the_calendar_quarter_of_today(write, today, quarter_start):
    agreement = load(write(template(today)))
    (version,) = agreement.versions
    assert version.effective_from == quarter_start
    assert agreement.calendar.timezone == "UTC"
    assert agreement.assumed_attributes == frozenset()
    assert [rule.reason for rule in version.net.subtract] == ["duplicate", "invalid", "out_of_profile"]


def test_template_explains_its_keys(template_text):
    assert "# set yours, e.g. Europe/London" in template_text
    commented = [
        line for line in template_text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert sum("#" in line for line in commented) >= 25


def test_template_is_strict_about_known_columns_after_an_import(write, template_text):
    # The template names only canonical lead columns, so it loads whatever attributes exist.
    assert load(write(template_text), attributes=set()).latest.version == 1
