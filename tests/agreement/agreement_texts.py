"""Agreement texts shared by the tests of netlead.agreement."""

from __future__ import annotations

# A valid version; tests change one thing in it and check where the problem is reported.
VALID = """\
version: 1
effective_from: 2026-01-01
calendar:
  timezone: Europe/London
  week_start: monday
  fiscal_year_start_month: 1
currency: GBP
default_margin: 0.40
sales_cycle_days: 90
net:
  subtract:
    - reason: duplicate
      duplicate: {keys: [email], within_days: 90}
    - reason: invalid
      when: "lower(domain) in ('example.com', 'mailinator.com') or company is null"
    - reason: out_of_profile
      unless: "country in ('GB', 'IE') and employees >= 20"
  evidence:
    answers: [trigger, cost_of_inaction, decision_makers, need]
    min_answers: 2
    appointment: required
journey:
  - {stage: lead, owners: {marketing: 1.0}}
  - {stage: net, owners: {marketing: 0.7, sales: 0.3}}
  - {stage: issued, owners: {marketing: 0.5, sales: 0.5}}
  - {stage: responded, owners: {sales: 0.8, marketing: 0.2}, stuck_after_days: 2}
  - {stage: opportunity, owners: {sales: 0.7, marketing: 0.3}}
  - {stage: proposal, owners: {sales: 0.8, marketing: 0.2}}
  - {stage: won, owners: {sales: 0.6, marketing: 0.4}}
routing:
  - when: "account_type = 'existing_account'"
    to: account_owner
  - when: "country = 'IE'"
    team: ireland
    method: round_robin
  - team: uk
    method: least_loaded
teams:
  ireland: [rep_ciara, rep_sean]
  uk: [rep_amy, rep_ben, rep_chloe]
sla:
  respond_within_minutes: 60
  business_hours: {days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:30"}
  outcome_within_days: 5
outcome_codes:
  - {code: opportunity, next: opportunity}
  - {code: meeting_booked, next: working}
  - {code: no_contact, next: working}
  - {code: not_now, next: nurture}
  - {code: not_a_fit, next: closed}
investment:
  include: [media, labor, creative, tools, agency, events, subscriptions, overhead]
  shared_costs: by_net_leads
"""


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line of `text` containing `fragment`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in the text")
