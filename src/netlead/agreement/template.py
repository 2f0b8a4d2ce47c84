"""The commented netlead.yaml that `netlead init` writes."""

from __future__ import annotations

from datetime import date

_TEMPLATE = """\
# netlead.yaml: the agreement between marketing, sales and finance.
# Every number netlead reports follows these definitions (see METRICS.md). Agree on them together,
# then change them only from the start of a quarter: add a new version below a `---` line with a
# later effective_from, and keep the old versions so that past quarters keep their numbers.

version: 1                        # a number you use to name this version in reports
effective_from: @EFFECTIVE_FROM@        # the first day of a quarter; this version governs from here on
restatement: null                 # or {reason: "..."} to change a quarter that has already started

calendar:                         # the same in every version: changing it restates them all
  timezone: UTC                   # set yours, e.g. Europe/London or America/New_York (IANA name)
  week_start: monday              # monday ... sunday: the weekly scorecard's weeks
  fiscal_year_start_month: 1      # 1 = calendar quarters; 4 = fiscal year from April (FY2027-Q1 ...)
currency: GBP                     # every amount is in this currency; other currencies are quarantined
default_margin: 0.40              # gross margin for a won deal with neither gross_profit nor cogs
sales_cycle_days: 90              # a cohort counts as mature this many days after its period ends

net:
  subtract:                       # in order; the first rule a lead matches gives its reason
    - reason: duplicate           # same email as a lead from the 90 days before
      duplicate: {keys: [email], within_days: 90}
    - reason: invalid             # junk, test and spam
      when: "lower(domain) in ('example.com', 'mailinator.com') or company is null"
    - reason: out_of_profile      # outside the ideal customer profile (missing data fails it too)
      unless: "country in ('GB', 'IE') and employees >= 20"
    # Conditions use lead columns and any extra column of your lead files (as text: compare one as
    # a number with cast(x as integer)); allowed: = != < <= > >= in like ilike is null and or not
    # + - * / cast() lower upper trim length coalesce starts_with regexp_matches.
  evidence:                       # a lead without enough evidence is not_ready: it goes to nurture
    answers: [trigger, cost_of_inaction, decision_makers, need]
    min_answers: 2                # how many of the answers above must be given
    appointment: required         # required | optional: an agreed appointment (appointment_at)

journey:                          # the stages from lead to won; owners share responsibility
  - {stage: lead, owners: {marketing: 1.0}}
  - {stage: net, owners: {marketing: 0.7, sales: 0.3}}
  - {stage: issued, owners: {marketing: 0.5, sales: 0.5}}
  - {stage: responded, owners: {sales: 0.8, marketing: 0.2}, stuck_after_days: 2}
  - {stage: opportunity, owners: {sales: 0.7, marketing: 0.3}}
  - {stage: proposal, owners: {sales: 0.8, marketing: 0.2}}   # an opportunity stage of your CRM
  - {stage: won, owners: {sales: 0.6, marketing: 0.4}}
  # stuck_after_days: how long a lead may stay in a stage (default: the 90th percentile so far).

routing:                          # the first matching rule assigns a net lead to a rep
  - when: "account_type = 'existing_account'"
    to: account_owner             # the rep id in this lead column
  - when: "country = 'IE'"
    team: ireland
    method: round_robin           # round_robin | least_loaded (fewest open, uncoded leads)
  - team: uk
    method: least_loaded
teams:
  ireland: [rep_ciara, rep_sean]
  uk: [rep_amy, rep_ben, rep_chloe]

sla:
  respond_within_minutes: 60      # from the first issue to the first response
  business_hours: {days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:30"}   # or null: wall clock
  outcome_within_days: 5          # an issued lead gets an outcome code within this many days

outcome_codes:                    # small on purpose: at most 8; next is one of
  - {code: opportunity, next: opportunity}   # opportunity | working | nurture | closed
  - {code: meeting_booked, next: working}
  - {code: no_contact, next: working}
  - {code: not_now, next: nurture}
  - {code: not_a_fit, next: closed}

investment:                       # the cost policy: what counts as marketing investment
  include: [media, labor, creative, tools, agency, events, subscriptions, overhead]
  shared_costs: by_net_leads      # costs without a channel: by_net_leads | by_direct | unallocated
"""


def template(today: date) -> str:
    """netlead.yaml for a new workspace: one version starting at the calendar quarter of `today`."""
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return _TEMPLATE.replace("@EFFECTIVE_FROM@", quarter_start.isoformat())
