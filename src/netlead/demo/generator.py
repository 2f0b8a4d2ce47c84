"""A seeded generator of realistic canonical CSV files for the demo and the benchmarks.

A UK/IE B2B firm over two years: leads from twelve channels with the quirks a real export has
(duplicates, junk, out-of-profile, leads without evidence, answers recorded late), the handoff
events, opportunities with stages, and costs in every category. Everything is computed set-wise
in DuckDB; the randomness is a hash of (seed, row, draw), so the files are the same bytes for the
same arguments whatever the thread count.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import duckdb

KINDS = ("leads", "lead_events", "opportunities", "opportunity_stages", "costs")

# The demo agreement's second version (netlead.yaml) starts here: the generator's "marketing"
# checks leads against the profile in force, as a real team would. A test keeps the two in step.
V2_FROM = date(2025, 10, 1)

COLUMNS = {
    "leads": [
        "lead_id", "created_at", "channel", "campaign", "account_type", "account_owner", "email",
        "company", "domain", "country", "industry", "employees", "trigger", "cost_of_inaction",
        "decision_makers", "need", "appointment_at", "intent", "utm_source", "segment",
    ],
    "lead_events": [
        "event_id", "lead_id", "type", "occurred_at", "rep_id", "outcome_code", "note", "trigger",
        "cost_of_inaction", "decision_makers", "need", "appointment_at",
    ],
    "opportunities": [
        "opportunity_id", "lead_id", "created_at", "stage", "status", "closed_at", "revenue",
        "gross_profit", "cogs", "account_type",
    ],
    "opportunity_stages": ["opportunity_id", "stage", "entered_at"],
    "costs": [
        "cost_id", "category", "amount", "date", "period_start", "period_end", "channel", "currency",
        "vendor", "note",
    ],
}

_LEADS = """
SELECT printf('L%08d', i) AS lead_id,
       fmt_ts(created, u(i, 90)) AS created_at,
       channel,
       CASE WHEN channel IN ('organic_search', 'direct', 'referral') THEN NULL
            ELSE channel || '-' || pick(['always-on', 'brand', 'finance-leaders', 'q-push'], u(i, 91))
                 || '-' || year(created) END AS campaign,
       account_type, account_owner, email, company, domain, country, industry, employees,
       CASE WHEN answers_on_row THEN a_trigger END AS trigger,
       CASE WHEN answers_on_row THEN a_cost_of_inaction END AS cost_of_inaction,
       CASE WHEN answers_on_row THEN a_decision_makers END AS decision_makers,
       CASE WHEN answers_on_row THEN a_need END AS need,
       CASE WHEN answers_on_row THEN a_appointment_at END AS appointment_at,
       CASE WHEN u(i, 92) < 0.4 THEN '{"pages_viewed": ' || (1 + floor(u(i, 93) * 20)::INTEGER)
                 || ', "pricing_page": ' || CASE WHEN u(i, 94) < 0.3 THEN 'true' ELSE 'false' END || '}'
            WHEN u(i, 92) < 0.5 THEN pick(['Asked about pricing for 20 seats', 'Downloaded the ROI guide',
                 'Wants a demo before the budget meeting'], u(i, 93)) END AS intent,
       CASE channel WHEN 'paid_search' THEN pick(['google', 'google', 'google', 'bing'], u(i, 95))
            WHEN 'paid_social' THEN pick(['linkedin', 'linkedin', 'meta'], u(i, 95))
            WHEN 'email' THEN 'newsletter' WHEN 'review_sites' THEN pick(['g2', 'capterra'], u(i, 95))
            WHEN 'webinar' THEN 'on24' END AS utm_source,
       CASE WHEN employees IS NULL THEN NULL WHEN employees < 50 THEN 'small'
            WHEN employees < 250 THEN 'mid' ELSE 'enterprise' END AS segment
FROM g_leads
"""

_EVENTS = """
CREATE OR REPLACE TABLE g_events AS
SELECT * FROM (
    SELECT printf('E%08d-q', i) AS event_id, printf('L%08d', i) AS lead_id, 'qualified' AS type,
           qualified_at AS t, i, NULL AS rep_id, NULL AS outcome_code,
           'Qualification call' AS note, a_trigger AS trigger, a_cost_of_inaction AS cost_of_inaction,
           a_decision_makers AS decision_makers, a_need AS need, a_appointment_at AS appointment_at
    FROM g_leads WHERE qualified_at IS NOT NULL
    UNION ALL
    SELECT printf('E%08d-i1', i), printf('L%08d', i), 'issued', issued1, i, rep1, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL
    FROM g_leads WHERE issued1 IS NOT NULL
    UNION ALL
    SELECT printf('E%08d-i2', i), printf('L%08d', i), 'issued', issued2, i, rep2, NULL,
           'Re-assigned', NULL, NULL, NULL, NULL, NULL
    FROM g_leads WHERE issued2 IS NOT NULL
    UNION ALL
    SELECT printf('E%08d-r', i), printf('L%08d', i), 'responded', responded_at, i, rep1, NULL,
           pick(['Called', 'Emailed', 'LinkedIn message', NULL], u(i, 96)), NULL, NULL, NULL, NULL, NULL
    FROM g_leads WHERE responded_at IS NOT NULL
    UNION ALL
    SELECT printf('E%08d-o', i), printf('L%08d', i), 'outcome',
           CASE WHEN has_opportunity THEN opportunity_at
                WHEN responded_at IS NOT NULL THEN responded_at + mins(logu(5, 8640, u(i, 97)))
                ELSE issued1 + mins(logu(4320, 14400, u(i, 97))) END,
           i, rep1,
           CASE WHEN has_opportunity THEN 'opportunity' WHEN responded_at IS NULL THEN 'no_contact'
                ELSE pick(['meeting_booked', 'meeting_booked', 'no_contact', 'no_contact', 'no_contact',
                           'wrong_contact', 'not_now', 'not_now', 'not_a_fit', 'not_a_fit'], u(i, 98)) END,
           NULL, NULL, NULL, NULL, NULL, NULL
    FROM g_leads WHERE coded
    UNION ALL
    SELECT printf('E%08d-x', i), printf('L%08d', i), 'recycled', recycled_at, i, rep1, NULL,
           'Back to marketing: not ready', NULL, NULL, NULL, NULL, NULL
    FROM g_leads WHERE recycled_at IS NOT NULL
)
WHERE t < end_ts()
"""

_EVENTS_OUT = """
SELECT event_id, lead_id, type, fmt_ts(t, u(i, 80 + length(event_id))) AS occurred_at, rep_id,
       outcome_code, note, trigger, cost_of_inaction, decision_makers, need, appointment_at
FROM g_events
"""

_OPPORTUNITIES = """
SELECT opportunity_id, lead_id, fmt_ts(created, u(ok, 110)) AS created_at,
       CASE WHEN negotiation_at < end_ts() THEN 'negotiation'
            WHEN proposal_at < end_ts() THEN 'proposal' ELSE 'discovery' END AS stage,
       status,
       CASE WHEN status <> 'open' THEN fmt_ts(close_at0, u(ok, 111)) END AS closed_at,
       CASE WHEN status = 'won' OR rgp < 0.6 THEN money(deal_value) END AS revenue,
       CASE WHEN status = 'won' AND rgp < 0.70 THEN money(deal_value * margin) END AS gross_profit,
       CASE WHEN status = 'won' AND rgp >= 0.70 AND rgp < 0.95 THEN money(deal_value * (1 - margin))
            WHEN status = 'won' AND rgp < 0.35 THEN money(deal_value * (1 - margin)) END AS cogs,
       CASE WHEN u(ok, 112) < 0.02 THEN NULL ELSE account_type END AS account_type
FROM g_opportunities
WHERE created < end_ts()
ORDER BY ok > 0 DESC, abs(ok)
"""

_STAGES = """
SELECT opportunity_id, stage, fmt_ts(entered_at, u(ok, 120 + length(stage))) AS entered_at FROM (
    SELECT ok, opportunity_id, 'discovery' AS stage, created AS entered_at FROM g_opportunities
    UNION ALL SELECT ok, opportunity_id, 'proposal', proposal_at FROM g_opportunities WHERE proposal_at IS NOT NULL
    UNION ALL SELECT ok, opportunity_id, 'negotiation', negotiation_at FROM g_opportunities
        WHERE negotiation_at IS NOT NULL
)
WHERE entered_at < end_ts()
ORDER BY ok > 0 DESC, abs(ok), entered_at
"""

_COSTS = """
SELECT cost_id, category, amount, date, period_start, period_end, channel, currency, vendor, note
FROM g_costs ORDER BY rn
"""


def default_end(today: date | None = None) -> date:
    """The last day of the month before `today` (default: the wall clock's date)."""
    today = today or date.today()
    return today.replace(day=1) - timedelta(days=1)


def _window(start: date | None, end: date | None, years: int, today: date | None) -> tuple[date, date]:
    if start is not None:
        try:
            after = start.replace(year=start.year + years)
        except ValueError:  # 29 February
            after = start.replace(year=start.year + years, day=28)
        return start, (end or after - timedelta(days=1))
    end = end or default_end(today)
    first = end + timedelta(days=1)
    if first.day != 1:  # an end inside a month: go back whole years from the next day
        first = first.replace(day=min(first.day, calendar.monthrange(first.year - years, first.month)[1]))
    return first.replace(year=first.year - years), end


def generate(
    out_dir: str | Path,
    leads: int = 50_000,
    seed: int = 7,
    *,
    start: date | None = None,
    end: date | None = None,
    years: int = 2,
    today: date | None = None,
    threads: int | None = None,
) -> dict[str, Path]:
    """Write leads.csv, lead_events.csv, opportunities.csv, opportunity_stages.csv and costs.csv.

    The window is `years` years ending on `end` (default: the last day of the month before
    `today`, itself defaulting to the wall clock), or starting on `start`. The same arguments give
    the same bytes. Returns the path of each kind's file.
    """
    if leads < 1:
        raise ValueError("leads must be at least 1")
    first, last = _window(start, end, years, today)
    if last < first:
        raise ValueError(f"the window ends ({last}) before it starts ({first})")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        for name, value in {
            "seed": int(seed),
            "n": int(leads),
            "start_date": first,
            "end_date": last,
            "v2_from": V2_FROM,
            "companies": max(200, leads // 6),
        }.items():
            con.execute(f"SET VARIABLE {name} = ?", [value])
        con.execute(resources.files(__package__).joinpath("generator.sql").read_text())
        con.execute(_EVENTS)
        queries = {
            "leads": _LEADS,
            "lead_events": _EVENTS_OUT,
            "opportunities": _OPPORTUNITIES,
            "opportunity_stages": _STAGES,
            "costs": _COSTS,
        }
        paths = {}
        for kind, query in queries.items():
            path = out / f"{kind}.csv"
            con.sql(query).write_csv(str(path), header=True)
            paths[kind] = path
        return paths
    finally:
        con.close()
