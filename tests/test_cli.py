"""The CLI on a small fixture whose numbers are worked out by hand (tests/data/small).

Leads (Europe/London): L1 net (paid_search, trigger answered); L2 the same email as L1 a day later
(D2 duplicate); L3 example.com (invalid); L4 US (out_of_profile); L5 no answer (D3 not_ready);
L6 net in February (webinar); L7 no employees: missing profile data fails the `unless`
(out_of_profile). L1 is issued in January and re-assigned in February (D5: counted once, in
January); L6 is issued in February; L5 is issued while not net (D6: off agreement).

Costs: C1 media 1000 on 2026-01-15 (paid_search); C2 labor 3100 over January (shared); C3 tools 590
from 2026-01-15 to 2026-02-13, 30 days: 17 in January, 13 in February (shared); C4 a -100 credit in
February (webinar); C5 travel 500, outside the cost policy.
"""

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netlead.cli import app

DATA = Path(__file__).parent / "data" / "small"
RANGE = ["--from", "2026-01", "--to", "2026-02", "--as-of", "2026-02-28"]

JANUARY_INVESTMENT = 1000 + 3100 + 590 * 17 / 30  # D7: C1 + C2 + 17/30 of C3
FEBRUARY_INVESTMENT = -100 + 590 * 13 / 30  # D7: the credit C4 + 13/30 of C3


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("ws") / "small"
    folder.mkdir()
    shutil.copy(DATA / "netlead.yaml", folder / "netlead.yaml")
    runner = CliRunner()
    result = runner.invoke(app, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    for kind, file in [("leads", "leads.csv"), ("lead_events", "lead_events.csv"), ("costs", "costs.csv")]:
        result = runner.invoke(app, ["import", kind, str(DATA / file), "-w", str(folder)])
        assert result.exit_code == 0, result.output
    return str(folder)


def run_json(*args: str):
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_waterfall_json_d1_d4(workspace):
    rows = run_json("waterfall", "-w", workspace, *RANGE)
    january = {"period_start": "2026-01-01", "period": "2026-01"}
    february = {"period_start": "2026-02-01", "period": "2026-02"}
    assert rows == [
        {**january, "reason": "gross_leads", "count": 5},
        {**january, "reason": "duplicate", "count": 1},
        {**january, "reason": "invalid", "count": 1},
        {**january, "reason": "out_of_profile", "count": 1},
        {**january, "reason": "not_ready", "count": 1},
        {**january, "reason": "net_leads", "count": 1},
        {**february, "reason": "gross_leads", "count": 2},
        {**february, "reason": "duplicate", "count": 0},
        {**february, "reason": "invalid", "count": 0},
        {**february, "reason": "out_of_profile", "count": 1},
        {**february, "reason": "not_ready", "count": 0},
        {**february, "reason": "net_leads", "count": 1},
    ]


def test_cpnsli_json_d5_d8(workspace):
    rows = run_json("cpnsli", "-w", workspace, *RANGE)
    assert [list(r) for r in rows] == [
        ["period_start", "period", "investment", "net_leads_issued", "issued_off_agreement", "cpnsli"]
    ] * 2
    assert rows == [
        {"period_start": "2026-01-01", "period": "2026-01", "investment": pytest.approx(JANUARY_INVESTMENT, rel=1e-12),
         "net_leads_issued": 1, "issued_off_agreement": 1, "cpnsli": pytest.approx(JANUARY_INVESTMENT, rel=1e-12)},
        {"period_start": "2026-02-01", "period": "2026-02", "investment": pytest.approx(FEBRUARY_INVESTMENT, rel=1e-12),
         "net_leads_issued": 1, "issued_off_agreement": 0, "cpnsli": pytest.approx(FEBRUARY_INVESTMENT, rel=1e-12)},
    ]


def test_cpnsli_by_channel_json_d9(workspace):
    # by_net_leads: each month's shared costs all go to the one channel with a net lead issued.
    rows = run_json("cpnsli", "--by-channel", "-w", workspace, *RANGE)
    assert rows == [
        {"period_start": "2026-01-01", "period": "2026-01", "channel": "paid_search",
         "investment": pytest.approx(JANUARY_INVESTMENT, rel=1e-12), "net_leads_issued": 1,
         "cpnsli": pytest.approx(JANUARY_INVESTMENT, rel=1e-12)},
        {"period_start": "2026-02-01", "period": "2026-02", "channel": "webinar",
         "investment": pytest.approx(FEBRUARY_INVESTMENT, rel=1e-12), "net_leads_issued": 1,
         "cpnsli": pytest.approx(FEBRUARY_INVESTMENT, rel=1e-12)},
    ]


def test_quarter_and_as_of_t2(workspace):
    # As of 2026-01-31 (the end of that day) February's lead, issue and cost days do not exist yet.
    rows = run_json("cpnsli", "-w", workspace, "--by", "quarter", "--from", "2026-Q1", "--to", "2026-Q1",
                    "--as-of", "2026-01-31")
    assert rows == [{"period_start": "2026-01-01", "period": "2026-Q1",
                     "investment": pytest.approx(JANUARY_INVESTMENT, rel=1e-12), "net_leads_issued": 1,
                     "issued_off_agreement": 1, "cpnsli": pytest.approx(JANUARY_INVESTMENT, rel=1e-12)}]


def test_meta_names_the_agreement_version(workspace):
    wrapped = run_json("waterfall", "-w", workspace, *RANGE, "--meta")
    assert set(wrapped) == {"meta", "rows"}
    (version,) = wrapped["meta"]["agreement"]
    assert version["version"] == 1 and version["effective_from"] == "2025-01-01"
    assert len(version["hash"]) == 64
    assert wrapped["meta"]["as_of"].startswith("2026-02-28T23:59:59.999999")


def test_csv_has_the_json_keys_and_empty_nulls(workspace):
    result = CliRunner().invoke(app, ["cpnsli", "-w", workspace, "--from", "2025-12", "--to", "2026-01",
                                      "--as-of", "2026-02-28", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # December 2025 is empty: money and counts 0, the ratio null (an empty cell).
    assert rows[0] == {"period_start": "2025-12-01", "period": "2025-12", "investment": "0.0",
                       "net_leads_issued": "0", "issued_off_agreement": "0", "cpnsli": ""}


def test_table_output_for_people(workspace):
    result = CliRunner().invoke(app, ["waterfall", "-w", workspace, *RANGE])
    assert result.exit_code == 0, result.output
    assert "gross" in result.stdout and "profile" in result.stdout and "2026-02" in result.stdout
    assert "agreement v1 from 2025-01-01" in result.stdout


def test_lead_explains_why_not_net(workspace):
    explained = run_json("lead", "L7", "-w", workspace, "--as-of", "2026-02-28")
    assert explained["status"] == "out_of_profile"
    explained = run_json("lead", "L5", "-w", workspace, "--as-of", "2026-02-28")
    assert explained["status"] == "not_ready"


def test_reimport_changes_nothing(workspace):
    result = CliRunner().invoke(app, ["import", "leads", str(DATA / "leads.csv"), "-w", workspace])
    assert result.exit_code == 0, result.output
    assert "7" in result.stdout  # seven unchanged rows
    assert run_json("waterfall", "-w", workspace, *RANGE)[0]["count"] == 5


def test_errors_are_messages_with_a_non_zero_exit(tmp_path):
    result = CliRunner().invoke(app, ["waterfall", "-w", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "no netlead.yaml" in result.output and "netlead init" in result.output
    assert "Traceback" not in result.output


def test_bad_period_bound_is_a_clear_error(workspace):
    result = CliRunner().invoke(app, ["waterfall", "-w", workspace, "--from", "last tuesday"])
    assert result.exit_code == 1
    assert "error" in result.output and "Traceback" not in result.output


def test_every_command_has_help():
    runner = CliRunner()
    for command in ["init", "import", "check", "quarantine", "lead", "waterfall", "cpnsli", "demo", "export", "refresh"]:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, command
        assert len(result.stdout.split("\n", 3)[-1].strip()) > 40, command


def test_a_database_url_is_printed_without_its_password():
    from netlead.engines import without_password

    assert without_password("postgresql://ana:s3cret@db.example:5432/team") == "postgresql://ana:***@db.example:5432/team"
    assert without_password("postgresql://ana@db/team") == "postgresql://ana@db/team"
