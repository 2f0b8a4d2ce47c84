"""Properties that hold for any data (Hypothesis): D4 the waterfall adds up, D9 channel rows add
up to D7, D7 spreading a range conserves its amount."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from conftest import Store, rows, version
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netlead.agreement import load
from netlead.metrics import cpnsli, refresh, waterfall

START = datetime(2026, 1, 1, tzinfo=UTC)
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def agreements(tmp_path_factory):
    out = {}
    for mode in ("by_net_leads", "by_direct", "unallocated"):
        path = tmp_path_factory.mktemp(mode) / "netlead.yaml"
        v1 = version(calendar={"timezone": "Europe/London"}, investment={"shared_costs": mode})
        v2 = version(
            version=2,
            effective_from="2026-04-01",
            calendar={"timezone": "Europe/London"},
            investment={"include": ["media"], "shared_costs": "by_direct"},
        )
        v2["net"]["evidence"]["min_answers"] = 1
        path.write_text(f"{json.dumps(v1)}\n---\n{json.dumps(v2)}")
        out[mode] = load(path)
    return out


moments = st.integers(min_value=0, max_value=200 * 24 * 60).map(lambda m: START + timedelta(minutes=m))
leads = st.lists(
    st.fixed_dictionaries(
        {
            "created_at": moments,
            "channel": st.sampled_from(["web", " web", "paid", "events"]),
            "email": st.sampled_from(["a@x.test", "A@x.test ", "b@x.test", "", None]),
            "country": st.sampled_from(["GB", "US", None]),
            "employees": st.sampled_from([None, 5, 50]),
            "domain": st.sampled_from(["example.com", "acme.test"]),
            "trigger": st.sampled_from([None, " ", "t"]),
            "need": st.sampled_from([None, "n"]),
            "events": st.lists(
                st.tuples(st.sampled_from(["issued", "qualified", "responded"]), moments), max_size=3
            ),
        }
    ),
    max_size=12,
)
costs = st.lists(
    st.tuples(
        st.decimals(min_value=-500, max_value=5000, places=2),
        st.sampled_from(["media", "labor", "travel"]),
        st.sampled_from(["web", "paid", None]),
        st.integers(min_value=-30, max_value=200).map(lambda d: date(2026, 1, 1) + timedelta(days=d)),
        st.one_of(st.none(), st.integers(min_value=0, max_value=90)),  # None: a dated row; else range length
    ),
    max_size=8,
)


@pytest.fixture(scope="module")
def store():
    """One store for every example (all agreements here are in London): emptied by fill()."""
    store = Store("Europe/London")
    yield store
    store.con.close()


def fill(store, agreement, lead_rows, cost_rows) -> Store:
    for table in ("leads", "lead_events", "costs"):
        store.con.execute(f"DELETE FROM {table}")  # noqa: S608
    for i, row in enumerate(lead_rows):
        fields = {k: v for k, v in row.items() if k not in ("created_at", "channel", "events")}
        store.lead(f"L{i}", row["created_at"], channel=row["channel"], **fields)
        for kind, at in row["events"]:
            store.event(f"L{i}", kind, at, trigger="t" if kind == "qualified" else None)
    for amount, category, channel, day, length in cost_rows:
        if length is None:
            store.cost(amount, category, channel=channel, date=day)
        else:
            store.cost(
                amount, category, channel=channel, period_start=day, period_end=day + timedelta(days=length)
            )
    refresh(store.con, agreement)
    return store


@SETTINGS
@given(lead_rows=leads, as_of=moments, by=st.sampled_from(["week", "month", "quarter"]))
def test_d4_the_waterfall_adds_up(agreements, store, lead_rows, as_of, by):
    agreement = agreements["by_net_leads"]
    fill(store, agreement, lead_rows, [])
    table = rows(waterfall(store.con, agreement, by=by, from_="2026-01-01", to="2026-07-31", as_of=as_of))
    gross_total = 0
    for start in sorted({r[0] for r in table}):
        steps = [r for r in table if r[0] == start]
        assert steps[0][2] == "gross_leads" and steps[-1][2] == "net_leads"
        assert steps[0][3] == sum(r[3] for r in steps[1:])
        gross_total += steps[0][3]
    assert gross_total == sum(1 for r in lead_rows if r["created_at"] <= as_of)


@SETTINGS
@given(
    lead_rows=leads,
    cost_rows=costs,
    as_of=moments,
    mode=st.sampled_from(["by_net_leads", "by_direct", "unallocated"]),
)
def test_d9_channel_rows_add_up_to_the_total(agreements, store, lead_rows, cost_rows, as_of, mode):
    agreement = agreements[mode]
    fill(store, agreement, lead_rows, cost_rows)
    bounds = dict(from_="2025-12-01", to="2026-09-30", as_of=as_of)
    total = {r[0]: r for r in rows(cpnsli(store.con, agreement, **bounds))}
    split: dict[str, list[float]] = {}
    for r in rows(cpnsli(store.con, agreement, by_channel=True, **bounds)):
        split.setdefault(r[0], [0.0, 0])
        split[r[0]][0] += r[3]
        split[r[0]][1] += r[4]
    for start, r in total.items():
        investment, issued = split.get(start, [0.0, 0])
        assert investment == pytest.approx(r[2], rel=1e-9, abs=1e-6)
        assert issued == r[3]


@SETTINGS
@given(
    amount=st.decimals(min_value=-10000, max_value=10000, places=4),
    first=st.integers(min_value=0, max_value=400).map(lambda d: date(2025, 6, 1) + timedelta(days=d)),
    length=st.integers(min_value=0, max_value=400),
    by=st.sampled_from(["week", "month", "quarter"]),
)
def test_d7_spreading_conserves_the_amount(agreements, store, amount: Decimal, first, length, by):
    agreement = agreements["by_net_leads"]  # media is included under both versions
    fill(store, agreement, [], [(amount, "media", None, first, length)])
    last = first + timedelta(days=length)
    table = rows(cpnsli(store.con, agreement, by=by, from_=first, to=last, as_of=last))
    assert sum(r[2] for r in table) == pytest.approx(float(amount), rel=1e-9, abs=1e-9)


# --- a reference model of D2-D4 in plain Python, for the same random data ------------------------

LONDON = ZoneInfo("Europe/London")
WHITESPACE = " \t\r\n"
coarse_moments = st.integers(min_value=0, max_value=800).map(lambda h: START + timedelta(hours=6 * h))
coarse_leads = st.lists(
    st.fixed_dictionaries(
        {
            "created_at": coarse_moments,
            "email": st.sampled_from(["a@x.test", "A@x.test ", "b@x.test", "\t", None]),
            "country": st.sampled_from(["GB", "US", None]),
            "employees": st.sampled_from([None, 5, 50]),
            "domain": st.sampled_from(["Example.com", "acme.test"]),
            "trigger": st.sampled_from([None, " ", "t"]),
            "need": st.sampled_from([None, "n"]),
            "events": st.lists(
                st.tuples(st.sampled_from(["issued", "qualified"]), coarse_moments), max_size=3
            ),
        }
    ),
    max_size=14,
)


def reference_statuses(lead_rows, as_of) -> dict[str, dict[str, int]]:
    """Per local month: the count of each status, straight from METRICS D2-D4 and T3/T4."""
    leads_ = [dict(row, lead_id=f"L{i}") for i, row in enumerate(lead_rows)]
    order = sorted(leads_, key=lambda r: (r["created_at"], r["lead_id"].encode()))
    out: dict[str, dict[str, int]] = {}
    for position, lead in enumerate(order):
        created = lead["created_at"]
        if created > as_of:
            continue
        v2 = created.astimezone(LONDON).date() >= date(2026, 4, 1)
        key = (lead["email"] or "").strip(WHITESPACE).lower()
        earlier = order[:position]
        if key and any(
            (m["email"] or "").strip(WHITESPACE).lower() == key
            and created - m["created_at"] <= timedelta(days=90)
            for m in earlier
        ):
            status = "duplicate"
        elif lead["domain"].lower() in ("example.com", "mailinator.com"):
            status = "invalid"
        elif not (
            lead["country"] in ("GB", "IE") and lead["employees"] is not None and lead["employees"] >= 20
        ):
            status = "out_of_profile"
        else:
            # D3 with T3: an answer on the row counts at created_at, one on an event at its time,
            # never before created_at; the same for the first issue.
            trigger = [created] if (lead["trigger"] or "").strip(WHITESPACE) else []
            trigger += [max(t, created) for kind, t in lead["events"] if kind == "qualified"]
            answered = sorted(([min(trigger)] if trigger else []) + ([created] if lead["need"] else []))
            needed = 1 if v2 else 2
            evidence_at = answered[needed - 1] if len(answered) >= needed else None
            issues = [max(t, created) for kind, t in lead["events"] if kind == "issued" and t <= as_of]
            cutoff = min(issues) if issues else as_of
            status = "net_leads" if evidence_at is not None and evidence_at <= cutoff else "not_ready"
        month = created.astimezone(LONDON).strftime("%Y-%m-01")
        out.setdefault(month, {}).setdefault(status, 0)
        out[month][status] += 1
    return out


@SETTINGS
@given(lead_rows=coarse_leads, as_of=coarse_moments)
def test_d2_d4_statuses_match_a_reference_model(agreements, store, lead_rows, as_of):
    agreement = agreements["by_net_leads"]
    fill(store, agreement, [dict(r, channel="web") for r in lead_rows], [])
    table = rows(waterfall(store.con, agreement, from_="2026-01-01", to="2026-08-31", as_of=as_of))
    got = {}
    for start, _, reason, count in table:
        if reason != "gross_leads" and count:
            got.setdefault(start, {})[reason] = count
    assert got == reference_statuses(lead_rows, as_of)
