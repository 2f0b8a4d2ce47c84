"""Loading netlead.yaml: the model, and every problem reported as FILE:LINE (SPEC "The agreement file")."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from agreement_texts import VALID, line_of

from netlead.agreement import Agreement, load, loads
from netlead.errors import AgreementError


def issues_of(path, attributes=None) -> list[str]:
    with pytest.raises(AgreementError) as raised:
        load(path, attributes)
    return raised.value.issues


def one_issue(path, attributes=None) -> str:
    issues = issues_of(path, attributes)
    assert len(issues) == 1, issues
    return issues[0]


def test_the_shared_example_loads_with_exact_decimals_and_lines():
    agreement = load("/work/shared/agreement.example.yaml")
    version = agreement.latest
    assert isinstance(agreement, Agreement)
    assert version.default_margin == Decimal("0.40")
    assert version.journey[1].owners == {"marketing": Decimal("0.7"), "sales": Decimal("0.3")}
    assert version.effective_from == date(2026, 1, 1)
    assert agreement.calendar.timezone == "Europe/London"
    assert agreement.currency == "GBP"
    assert [r.kind for r in version.net.subtract] == ["duplicate", "when", "unless"]
    assert version.net.subtract[0].duplicate.keys == ["email"]
    assert version.sla.business_hours.start == time(9, 0)
    assert version.routing[0].to == "account_owner"
    assert agreement.assumed_attributes == frozenset()


def test_rules_and_conditions_keep_their_lines(write):
    agreement = load(write(VALID))
    rules = agreement.latest.net.subtract
    assert [r.line for r in rules] == [line_of(VALID, "reason: duplicate"), line_of(VALID, "reason: invalid"),
                                       line_of(VALID, "reason: out_of_profile")]  # fmt: skip
    assert rules[1].when.line == line_of(VALID, 'when: "lower(domain)')
    assert rules[2].unless.line == line_of(VALID, "unless:")
    assert agreement.latest.routing[1].when.line == line_of(VALID, "country = 'IE'")
    assert agreement.latest.line == 1


def test_defaults_where_the_example_shows_optional_things(write):
    text = (
        VALID.replace(
            "calendar:\n  timezone: Europe/London\n  week_start: monday\n  fiscal_year_start_month: 1\n", ""
        )
        .replace("sales_cycle_days: 90\n", "")
        .replace("    appointment: required\n", "")
    )
    version = load(write(text)).latest
    assert (version.calendar.timezone, version.calendar.week_start, version.calendar.fiscal_year_start_month) == (
        "UTC", "monday", 1,
    )  # fmt: skip
    assert version.sales_cycle_days == 90
    assert version.net.evidence.appointment == "optional"
    assert version.restatement is None


def test_unknown_key_names_its_line_and_the_allowed_keys(write):
    text = VALID.replace("  week_start: monday\n", "  week_start: monday\n  weekstart: sunday\n")
    issue = one_issue(write(text))
    assert issue.startswith(f"netlead.yaml:{line_of(text, 'weekstart')}: unknown key 'weekstart'")
    assert "allowed here: timezone, week_start, fiscal_year_start_month" in issue


def test_messages_use_the_actual_file_name(write):
    text = VALID.replace("currency: GBP", "currency: GBP\ncolour: blue")
    issue = one_issue(write(text, name="agreement.yaml"))
    assert issue.startswith(f"agreement.yaml:{line_of(text, 'colour')}: unknown key 'colour'")


@pytest.mark.parametrize("written", ["2026-13-01", "2026-02-30", '"the first of January"'])
def test_bad_date(write, written):
    text = VALID.replace("effective_from: 2026-01-01", f"effective_from: {written}")
    issue = one_issue(write(text))
    assert issue.startswith("netlead.yaml:2: effective_from:")
    assert "is not a date — write a date as YYYY-MM-DD" in issue


def test_effective_from_must_start_a_quarter(write):
    text = VALID.replace("effective_from: 2026-01-01", "effective_from: 2026-02-01")
    assert one_issue(write(text)) == (
        "netlead.yaml:2: effective_from: effective_from 2026-02-01 is not the first day of a quarter "
        "— use 2026-01-01 or 2026-04-01"
    )


def test_effective_from_follows_fiscal_quarters_when_the_year_starts_in_april(write):
    fiscal = VALID.replace("fiscal_year_start_month: 1", "fiscal_year_start_month: 4")
    # April's fiscal quarters start in April, July, October and January.
    assert load(write(fiscal.replace("2026-01-01", "2026-04-01"))).latest.effective_from == date(2026, 4, 1)
    assert load(write(fiscal)).latest.effective_from == date(2026, 1, 1)
    issue = one_issue(write(fiscal.replace("2026-01-01", "2026-03-01")))
    assert issue == (
        "netlead.yaml:2: effective_from: effective_from 2026-03-01 is not the first day of a fiscal "
        "quarter — use 2026-01-01 or 2026-04-01"
    )
    fiscal_february = VALID.replace("fiscal_year_start_month: 1", "fiscal_year_start_month: 2")
    assert "fiscal quarter — use 2025-11-01 or 2026-02-01" in one_issue(write(fiscal_february))


def test_condition_naming_an_unknown_column_when_attributes_are_known(write):
    text = VALID.replace("or company is null", "or shoe_size is null")
    issue = one_issue(write(text), attributes={"plan", "seats"})
    assert issue.startswith(
        f"netlead.yaml:{line_of(text, 'shoe_size')}: net.subtract[1].when: unknown column 'shoe_size'"
    )
    assert "columns: lead_id, created_at" in issue and "attributes: plan, seats" in issue


def test_unknown_names_are_assumed_attributes_before_any_import(write):
    text = VALID.replace("or company is null", "or shoe_size is null").replace(
        "keys: [email]", "keys: [email, Plan]"
    )
    agreement = load(write(text))
    assert agreement.assumed_attributes == {"shoe_size", "Plan"}
    assert load(write(text), attributes={"shoe_size", "Plan"}).assumed_attributes == frozenset()


def test_an_attribute_matches_its_header_in_any_case_when_unquoted(write):
    text = VALID.replace("or company is null", "or plan = 'free'")
    rule = load(write(text), attributes={"Plan"}).latest.net.subtract[1]
    assert rule.when.attributes == {"Plan"}


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        ("created_at > now()", "the function now() is not allowed"),
        ("company in (select company from leads)", "uses a form that is not allowed"),
        ("(select 1) = 1", "a subquery is not allowed"),
        ("country = 'GB'; drop table leads", "';' is not allowed"),
        ("count(*) > 1", "the function count() is not allowed"),
        ("read_csv('x') = 1", "the function read_csv() is not allowed"),
    ],
)
def test_forbidden_sql_in_a_condition_is_an_issue_at_its_line(write, condition, words):
    text = VALID.replace("country in ('GB', 'IE') and employees >= 20", condition)
    issue = one_issue(write(text))
    assert issue.startswith(f"netlead.yaml:{line_of(text, 'unless:')}: net.subtract[2].unless: ")
    assert words in issue
    assert "lower, upper, trim, length, coalesce, starts_with, regexp_matches" in issue or "';'" in words


def test_every_issue_is_collected(write):
    text = (
        VALID.replace("timezone: Europe/London", "timezone: Mars/Olympus")
        .replace("currency: GBP", "currency: gbp")
        .replace("sales_cycle_days: 90", "sales_cycle_days: ninety")
        .replace("or company is null", "or now() > created_at")
        .replace("{marketing: 0.7, sales: 0.3}", "{marketing: 0.7, sales: 0.2}")
        .replace("appointment: required", "appointment: maybe")
        .replace("shared_costs: by_net_leads", "shared_costs: by_magic\n  colour: red")
    )
    issues = issues_of(write(text))
    assert [issue.split(":")[1] for issue in issues] == [
        str(line_of(text, fragment))
        for fragment in ("Mars", "gbp", "ninety", "now()", "maybe", "sales: 0.2", "by_magic", "colour")
    ]
    assert "unknown timezone 'Mars/Olympus'" in issues[0]
    assert "currency 'gbp' is not a currency code" in issues[1]
    assert "'ninety' is not a whole number" in issues[2]
    assert "shares add up to 0.9 — they must add up to 1" in issues[5]
    assert "use one of 'by_net_leads', 'by_direct' or 'unallocated'" in issues[6]


@pytest.mark.parametrize(
    ("old", "new", "fragment", "words"),
    [
        (
            "week_start: monday",
            "week_start: funday",
            "funday",
            "'funday' is not an allowed value — use one of 'monday'",
        ),
        (
            "timezone: Europe/London",
            "timezone: Europe/Londn",
            "Londn",
            "unknown timezone 'Europe/Londn' — use an IANA name",
        ),
        (
            "{marketing: 0.5, sales: 0.5}",
            "{marketing: 0.5, boss: 0.5}",
            "boss",
            "'boss' is not an allowed key",
        ),
        (
            "      duplicate: {keys: [email], within_days: 90}",
            '      duplicate: {keys: [email], within_days: 90}\n      when: "company is null"',
            "reason: duplicate",
            "a rule has exactly one of duplicate, when, unless — it has duplicate and when",
        ),
        ("    min_answers: 2", "    min_answers: 5", "min_answers", "only 4 answers are listed"),
        (
            "    to: account_owner",
            "    to: account_owner\n    team: uk",
            "account_type = 'existing_account'",
            "exactly one of to (a lead column holding a rep id) or team",
        ),
        ("    method: round_robin\n", "", "country = 'IE'", "needs a method — round_robin or least_loaded"),
        ("- team: uk", "- team: scotland", "team: scotland", "unknown team 'scotland' — teams: ireland, uk"),
        ('start: "09:00"', 'start: "9 o\'clock"', "business_hours", "is not a time of day"),
        ("- reason: invalid", "- reason: not_ready", "not_ready", "is a step of the waterfall"),
        ("  - {stage: proposal, owners: {sales: 0.8, marketing: 0.2}}\n", "", "journey:", None),
        (
            "  - {stage: net, owners: {marketing: 0.7, sales: 0.3}}\n",
            "",
            "journey:",
            "the journey is lead, net, issued",
        ),
    ],
)
def test_each_kind_of_problem_points_at_its_line(write, old, new, fragment, words):
    text = VALID.replace(old, new)
    assert text != VALID
    if words is None:  # a change that is allowed
        load(write(text))
        return
    issue = one_issue(write(text))
    assert issue.startswith(f"netlead.yaml:{line_of(text, fragment)}: "), issue
    assert words in issue, issue


def test_more_than_eight_outcome_codes(write):
    extra = "".join(f"  - {{code: extra_{n}, next: working}}\n" for n in range(4))
    text = VALID.replace("investment:\n", extra + "investment:\n")
    assert one_issue(write(text)) == (
        f"netlead.yaml:{line_of(text, 'outcome_codes:')}: outcome_codes: 9 outcome codes — at most 8: "
        "the set is small on purpose"
    )


def test_yaml_syntax_errors_and_duplicate_keys_have_lines(write):
    broken = VALID.replace(
        "  answers: [trigger, cost_of_inaction, decision_makers, need]", "  answers: [trigger, need"
    )
    issue = one_issue(write(broken))
    assert issue.startswith(f"netlead.yaml:{line_of(broken, 'min_answers')}: not valid YAML")
    twice = VALID.replace("currency: GBP", "currency: GBP\ncurrency: EUR")
    issue = one_issue(write(twice))
    assert issue.startswith(f"netlead.yaml:{line_of(twice, 'EUR')}: not valid YAML: found duplicate key")


def test_an_empty_file_holds_no_version(write):
    assert "holds no version" in one_issue(write("# nothing yet\n"))


# --- several versions (T4) -----------------------------------------------------------------------


def two_versions(second_changes: dict[str, str] | None = None) -> str:
    second = VALID.replace("version: 1", "version: 2").replace("2026-01-01", "2026-07-01")
    second = second.replace("default_margin: 0.40", "default_margin: 0.50")
    for old, new in (second_changes or {}).items():
        second = second.replace(old, new)
    return VALID + "---\n# from July, a higher margin\n" + second


def test_several_versions_sorted_and_version_on(write):
    text = two_versions()
    # Written later first: the file order does not matter.
    first, second = text.split("---\n")
    agreement = load(write(second + "---\n" + first))
    assert [v.version for v in agreement.versions] == [1, 2]
    on = agreement.version_on
    assert on(date(2020, 5, 1)).version == 1  # before every version: the earliest governs
    assert on(date(2026, 1, 1)).version == 1
    assert on(date(2026, 6, 30)).version == 1
    assert on(date(2026, 7, 1)).version == 2
    assert on(date(2030, 1, 1)).version == 2
    assert agreement.versions[1].default_margin == Decimal("0.5")
    assert agreement.versions[0].line == line_of(second + "---\n" + first, "version: 1")


def test_text_of_gives_each_version_its_own_source(write):
    text = two_versions()
    agreement = load(write(text))
    assert agreement.text_of(agreement.versions[0]) == VALID
    assert agreement.text_of(agreement.versions[1]).startswith("# from July, a higher margin\nversion: 2\n")
    assert "---" not in agreement.text_of(agreement.versions[1])


def test_hash_is_stable_and_ignores_comments_and_layout(write):
    one = load(write(VALID)).latest
    relaid = (
        VALID.replace("currency: GBP", "currency: GBP   # pounds")
        .replace("default_margin: 0.40", "default_margin: 0.4")
        .replace(
            "{keys: [email], within_days: 90}", "\n        keys:\n          - email\n        within_days: 90"
        )
    )
    assert load(write(relaid)).latest.hash == one.hash
    assert len(one.hash) == 64
    changed = load(write(VALID.replace("within_days: 90", "within_days: 60"))).latest
    assert changed.hash != one.hash


def test_two_versions_on_the_same_date(write):
    text = two_versions({"2026-07-01": "2026-01-01"})
    issue = one_issue(write(text))
    second_effective = len(VALID.splitlines()) + 4
    assert issue.startswith(
        f"netlead.yaml:{second_effective}: another version (line 1) also takes effect on 2026-01-01"
    )


def test_the_calendar_and_currency_are_the_same_in_every_version(write):
    text = two_versions({"week_start: monday": "week_start: sunday", "currency: GBP": "currency: EUR"})
    issues = issues_of(write(text))
    offset = len(VALID.splitlines()) + 2
    assert issues == [
        f"netlead.yaml:{offset + 3}: the calendar differs from the version at line 1 — the calendar is the same "
        "in every version: changing it restates them all, so change it in every version",
        f"netlead.yaml:{offset + 7}: currency EUR differs from GBP (version at line 1) — the currency is the "
        "same in every version",
    ]


def test_version_numbers_are_distinct(write):
    text = two_versions({"version: 2": "version: 1"})
    assert "version 1 is also the number of the version at line 1" in one_issue(write(text))


def test_issues_of_several_versions_are_all_reported(write):
    text = two_versions({"2026-07-01": "2026-08-01", "colour": "x"}).replace(
        "currency: GBP\n", "currency: GBP\nhue: 1\n", 1
    )
    issues = issues_of(write(text))
    assert len(issues) == 2
    assert "unknown key 'hue'" in issues[0] and "2026-08-01 is not the first day of a quarter" in issues[1]


def test_loads_reads_text(template_text):
    assert loads(template_text, "x/netlead.yaml").path.name == "netlead.yaml"


def test_hash_reads_numbers_by_value(write):
    one = load(write(VALID)).latest.hash
    same = VALID.replace("{marketing: 1.0}", "{marketing: 1}").replace("0.40", "0.400")
    assert load(write(same)).latest.hash == one


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("sales_cycle_days: 90", "sales_cycle_days: true", "true"),
        ("version: 1", 'version: "1"', "'1'"),
        ("fiscal_year_start_month: 1", "fiscal_year_start_month: 1.5", "1.5"),
        ("within_days: 90", "within_days: 90.0", "90.0"),
    ],
)
def test_whole_numbers_are_whole(write, old, new, shown):
    text = VALID.replace(old, new)
    issue = one_issue(write(text))
    assert issue.startswith(f"netlead.yaml:{line_of(text, new.split(':')[0])}: ")
    assert f"{shown} is not a whole number — write a whole number" in issue


SOURCES = "sources:\n  leads:\n    table: crm.contacts\n    columns: {lead_id: contact_id}\n  costs: finance.costs\n"


def test_sources_name_tables_read_in_place_outside_the_hash(write):
    """`sources:` (README "Your tables, read in place"): a kind to a table, with the short form;
    each keeps its line; where the data is does not change what a version means (its hash)."""
    agreement = load(write(VALID + SOURCES))
    leads, costs = agreement.sources["leads"], agreement.sources["costs"]
    assert (leads.table, leads.columns, costs.table, costs.columns) == (
        "crm.contacts", {"lead_id": "contact_id"}, "finance.costs", {})
    assert leads.line == len(VALID.splitlines()) + 2
    assert agreement.latest.hash == load(write(VALID)).latest.hash


def test_sources_are_checked_with_their_lines(write):
    text = VALID + "sources:\n  contacts: crm.contacts\n  leads: {columns: {lead_id: id}}\n"
    issues = issues_of(write(text))
    offset = len(VALID.splitlines())
    assert issues == [
        f"netlead.yaml:{offset + 2}: sources.contacts: 'contacts' is not an allowed key — use one of 'leads', "
        "'lead_events', 'opportunities', 'opportunity_stages' or 'costs'",
        f"netlead.yaml:{offset + 3}: sources.leads.table is missing — it is required in sources.leads, which "
        "has: table, columns",
    ]


def test_sources_are_the_same_in_every_version(write):
    text = two_versions().replace("---\n", SOURCES + "---\n") + SOURCES.replace("finance.costs", "finance.spend")
    offset = len(VALID.splitlines()) + len(SOURCES.splitlines()) + 2
    assert one_issue(write(text)) == (
        f"netlead.yaml:{offset + len(VALID.splitlines()) + 1}: sources differ from the version at line 1 — where "
        "the data lives is the same in every version: change it in every version")
