"""Conditions compile to SQL and run on a real DuckDB table with SPEC semantics: no integer
division, null on division by zero, casts of bad text give null, attributes are text."""

from __future__ import annotations

import duckdb
import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot.errors import ErrorLevel

from netlead.agreement import Condition, ConditionError, loads
from netlead.agreement.conditions import CANONICAL_COLUMNS

# lead_id, employees, country, company, email, attributes (text values, as the store keeps them)
ROWS = [
    ("a", 20, "GB", "Acme", "jo@acme.com", '{"seats": "10", "plan": "pro"}'),
    ("b", 30, None, "alpha", "al@ALPHA.io", '{"seats": "ten", "plan": "free"}'),
    ("c", None, "IE", None, None, "{}"),
    ("d", 18, "FR", "Zeta", "  zed@zeta.fr ", '{"seats": " 7 ", "Plan": "x"}'),
]


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    columns = ", ".join(
        f"{name} {'BIGINT' if name == 'employees' else 'TIMESTAMPTZ' if name == 'created_at' else 'VARCHAR'}"
        for name in CANONICAL_COLUMNS
    )
    con.execute(f"CREATE TABLE leads ({columns}, attributes JSON)")
    con.executemany(
        "INSERT INTO leads (lead_id, employees, country, company, email, attributes) VALUES (?, ?, ?, ?, ?, ?)",
        ROWS,
    )
    return con


def run(con, text: str) -> list[bool | None]:
    """The condition's value for leads a, b, c, d."""
    sql = Condition(text).sql("l")
    query = sqlglot.select(sqlglot.parse_one(sql, read="duckdb")).from_("leads AS l").order_by("l.lead_id")
    return [row[0] for row in con.execute(query.sql(dialect="duckdb")).fetchall()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # integer division would make 20 / 3 = 6, and 6 > 6 false
        ("employees / 3 > 6", [True, True, None, False]),
        ("employees / 8 = 2.5", [True, False, None, False]),
        # division by zero is null, never an error
        ("employees / 0 > 1", [None, None, None, None]),
        ("employees / (employees - 20) > 0", [None, True, None, False]),
        # bad text cast to a number is null
        ("cast(seats as integer) > 5", [True, None, None, True]),
        ("cast(seats as integer) is null", [False, True, True, False]),
        # attributes are text
        ("plan = 'pro'", [True, False, None, None]),
        ("\"Plan\" = 'x'", [None, None, None, True]),
        ("country in ('GB', 'IE')", [True, None, True, False]),
        ("country not in ('GB', 'IE')", [False, None, False, True]),
        ("email like '%@acme.com'", [True, False, None, False]),
        ("email ilike '%@alpha.io'", [False, True, None, False]),
        ("company is null", [False, False, True, False]),
        ("company is not null", [True, True, False, True]),
        # null semantics: unknown or true is true; unknown and false is false; not unknown is unknown
        ("country = 'GB' or employees > 25", [True, True, None, False]),
        ("country = 'GB' and employees > 25", [False, None, False, False]),
        ("not (country = 'GB')", [False, None, True, True]),
        # text compares in byte order: upper case before lower case
        ("company < 'a'", [True, False, None, True]),
        # false and unknown is false
        ("lower(company) = 'acme' and upper(country) = 'GB'", [True, False, False, False]),
        ("trim(email) = 'zed@zeta.fr' and length(company) = 4", [False, False, None, True]),
        ("coalesce(country, 'none') = 'none'", [False, True, False, False]),
        ("starts_with(email, 'jo')", [True, False, None, False]),
        ("regexp_matches(email, '^[a-z]+@[a-z]+\\.com$')", [True, False, None, False]),
        ("employees + 2 * 3 - 1 >= 25 and -employees < 0", [True, True, None, False]),
        ("cast(employees as varchar) = '20'", [True, False, None, False]),
        ("cast(employees as double) / 40 = 0.5", [True, False, None, False]),
        ("true", [True, True, True, True]),
    ],
)
def test_conditions_run_on_duckdb(con, text, expected):
    assert run(con, text) == expected


def test_match_sql_reads_null_as_no_match_for_when_and_a_match_for_unless(con):
    text = """\
version: 1
effective_from: 2026-01-01
currency: GBP
default_margin: 0.4
net:
  subtract:
    - {reason: invalid, when: "country = 'FR'"}
    - {reason: out_of_profile, unless: "country in ('GB', 'IE') and employees >= 20"}
  evidence: {answers: [need], min_answers: 0}
journey:
  - {stage: lead, owners: {marketing: 1}}
  - {stage: net, owners: {marketing: 1}}
  - {stage: issued, owners: {marketing: 1}}
  - {stage: responded, owners: {sales: 1}}
  - {stage: opportunity, owners: {sales: 1}}
  - {stage: won, owners: {sales: 1}}
sla: {respond_within_minutes: 60, outcome_within_days: 5}
outcome_codes: [{code: done, next: closed}]
investment: {include: [media]}
"""
    when, unless = loads(text).latest.net.subtract
    for rule, expected in ((when, [False, False, False, True]), (unless, [False, True, True, True])):
        expression = sqlglot.parse_one(rule.match_sql("l"), read="duckdb")
        query = sqlglot.select(expression).from_("leads AS l").order_by("l.lead_id").sql(dialect="duckdb")
        assert [row[0] for row in con.execute(query).fetchall()] == expected


def test_columns_and_attributes_used():
    condition = Condition("Country = 'GB' and cast(seats as integer) > 3 and \"Plan\" is null", line=7)
    assert condition.columns == {"country"}
    assert condition.attributes == {"seats", "Plan"}
    assert condition.line == 7 and condition.text.startswith("Country")


@pytest.mark.parametrize(
    "text",
    [
        "country in ('GB', 'IE') and employees >= 20",
        "employees / 3 > 6 and cast(seats as integer) > 5",
        "lower(email) like '%@acme.com' or company is null",
        "starts_with(email, 'a') and regexp_matches(email, 'x') and coalesce(country, 'x') <> trim(company)",
        "cast(seats as date) > cast('2026-01-01' as date) and length(upper(company)) >= 2",
        "email ilike '%x%' and not (country = 'GB')",
    ],
)
@pytest.mark.parametrize("dialect", ["postgres", "spark"])
def test_compiled_sql_transpiles_without_unsupported_features(text, dialect):
    sql = Condition(text).sql("l")
    sqlglot.transpile(sql, read="duckdb", write=dialect, unsupported_level=ErrorLevel.RAISE)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "the condition is empty"),
        ("employees + 1", "is not true or false"),
        ("now() > created_at", "the function now() is not allowed"),
        ("current_date > created_at", "is not allowed"),
        ("company in (select company from leads)", "uses a form that is not allowed"),
        ("exists (select 1)", "is not allowed"),
        ("count(*) > 1", "the function count() is not allowed"),
        ("l.country = 'GB'", "is not a column name"),
        ("country = 'GB';", "';' is not allowed"),
        ("country = ?", "a parameter placeholder is not allowed"),
        ("company is true", "is not allowed — only is null and is not null"),
        ("cast(company as blob) = 'x'", "cast to BLOB is not allowed"),
        ("employees between 1 and 5", "is not allowed"),
        ("case when country = 'GB' then true end", "is not allowed"),
        ("regexp_matches(email, 'x', 'i')", "uses a form that is not allowed"),
        ("country = ", "cannot read the condition"),
        ("country = 'GB", "cannot read the condition"),
    ],
)
def test_forbidden_or_broken_conditions(text, words):
    with pytest.raises(ConditionError) as raised:
        Condition(text)
    assert words in str(raised.value)
    assert " — " in str(raised.value)


def test_unknown_column_when_attributes_are_known():
    with pytest.raises(ConditionError, match="unknown column 'shoe_size' — columns: lead_id"):
        Condition("shoe_size = '9'", attributes={"plan"})
    assert Condition("PLAN = 'x'", attributes={"plan"}).attributes == {"plan"}


def test_user_text_never_reaches_the_sql_unquoted(con):
    # A quote inside a literal or an attribute name stays inside its literal.
    assert run(con, "company = 'O''Brien'") == [False, False, None, False]
    assert run(con, "\"x') or true or ('\" = '1'") == [None] * 4


@settings(max_examples=150, deadline=None)
@given(
    employees=st.one_of(st.none(), st.integers(-(10**6), 10**6)),
    divisor=st.integers(-50, 50),
    threshold=st.integers(-(10**5), 10**5),
)
def test_division_is_true_division_and_null_on_zero(employees, divisor, threshold):
    con = duckdb.connect()
    con.execute("CREATE TABLE leads (lead_id VARCHAR, employees BIGINT, attributes JSON)")
    con.execute("INSERT INTO leads VALUES ('a', ?, '{}')", [employees])
    (value,) = run(con, f"employees / {divisor} > {threshold}")
    expected = None if employees is None or divisor == 0 else employees / divisor > threshold
    assert value == expected
