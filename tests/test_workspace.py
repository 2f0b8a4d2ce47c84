"""The workspace: init, open, agreement versions against the store (SPEC "The agreement file"),
and one transaction per import."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

import netlead
from netlead import metrics
from netlead.errors import AgreementError, WorkspaceError

DATA = Path(__file__).parent / "data" / "small"
TODAY = dt.date(2026, 11, 22)  # the current quarter began on 2026-10-01


@pytest.fixture
def folder(tmp_path) -> Path:
    target = tmp_path / "ws"
    target.mkdir()
    shutil.copy(DATA / "netlead.yaml", target / "netlead.yaml")
    netlead.init(target).close()
    return target


def with_data(folder: Path) -> None:
    with netlead.open(folder, today=TODAY) as ws:
        ws.import_files("leads", [DATA / "leads.csv"])


def second_version(effective_from: str, extra: str = "") -> str:
    text = (DATA / "netlead.yaml").read_text()
    text = text.replace("version: 1\neffective_from: 2025-01-01", f"version: 2\neffective_from: {effective_from}{extra}")
    return text.replace("employees >= 20", "employees >= 40")


def test_init_writes_a_commented_agreement_and_refuses_a_store(tmp_path):
    netlead.init(tmp_path / "new").close()
    text = (tmp_path / "new" / "netlead.yaml").read_text()
    assert "#" in text and "effective_from" in text
    with pytest.raises(WorkspaceError, match="already"):
        netlead.init(tmp_path / "new")


def test_init_keeps_an_existing_agreement(folder):
    assert (folder / "netlead.yaml").read_text() == (DATA / "netlead.yaml").read_text()


def test_open_without_an_agreement_says_how_to_make_one(tmp_path):
    with pytest.raises(WorkspaceError, match="no netlead.yaml") as error:
        netlead.open(tmp_path)
    assert "netlead init" in error.value.hint


def test_agreement_may_change_freely_before_the_first_import(folder):
    path = folder / "netlead.yaml"
    path.write_text(path.read_text().replace("employees >= 20", "employees >= 25"))
    netlead.open(folder, today=TODAY).close()


def test_a_change_to_a_started_quarter_needs_a_restatement(folder):
    with_data(folder)
    path = folder / "netlead.yaml"
    original = path.read_text()
    path.write_text(original.replace("employees >= 20", "employees >= 25"))
    with pytest.raises(AgreementError) as error:
        netlead.open(folder, today=TODAY)
    assert error.value.issues[0].startswith("netlead.yaml:2: version 1 (effective_from 2025-01-01)")
    assert "restatement" in error.value.issues[0]

    path.write_text(original.replace("employees >= 20", "employees >= 25").replace(
        "effective_from: 2025-01-01", "effective_from: 2025-01-01\nrestatement: {reason: profile was mistyped}"))
    with netlead.open(folder, today=TODAY) as ws:
        meta = ws.waterfall(from_="2026-01", to="2026-01", as_of="2026-02-28").meta
    assert meta["agreement"][0]["restatement"] == "profile was mistyped"


def test_a_version_for_the_current_quarter_is_refused_and_the_next_one_is_not(folder):
    with_data(folder)
    path = folder / "netlead.yaml"
    original = path.read_text()
    path.write_text(original + "---\n" + second_version("2026-10-01"))
    with pytest.raises(AgreementError, match="would change a quarter already under way"):
        netlead.open(folder, today=TODAY)
    path.write_text(original + "---\n" + second_version("2027-01-01"))
    with netlead.open(folder, today=TODAY) as ws:
        assert [v.version for v in ws.agreement.versions] == [1, 2]


def test_an_import_is_one_transaction(folder, monkeypatch):
    def broken_update(con, agreement):
        raise RuntimeError("killed half way")

    monkeypatch.setattr(metrics, "update", broken_update)
    with netlead.open(folder, today=TODAY) as ws:
        with pytest.raises(RuntimeError):
            ws.import_files("leads", [DATA / "leads.csv"])
        assert ws.con.execute("SELECT count(*) FROM leads").fetchone()[0] == 0
        assert ws.con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0


def test_meta_names_the_versions_governing_any_day_of_the_periods(folder):
    # T4: version 2 starts on 2027-01-01, a Friday; the week of Monday 2026-12-28 holds days of both.
    path = folder / "netlead.yaml"
    path.write_text(path.read_text() + "---\n" + second_version("2027-01-01"))
    with netlead.open(folder, today=TODAY) as ws:
        def versions(**bounds):
            return [v["version"] for v in ws.waterfall(as_of="2027-03-31", **bounds).meta["agreement"]]

        assert versions(by="week", from_="2026-12-14", to="2026-12-27") == [1]
        assert versions(by="week", from_="2026-12-14", to="2026-12-28") == [1, 2]
        assert versions(by="month", from_="2027-01", to="2027-02") == [2]
