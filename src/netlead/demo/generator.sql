-- The demo data, generated set-wise in DuckDB. Variables (SET VARIABLE): seed, n, start_date,
-- end_date, v2_from (the demo agreement's second version), companies.
-- Randomness is a hash of (seed, row key, draw number): the same at any thread count.

-- (DuckDB's variadic hash(a, b, c) correlates badly across c; chained single hashes do not.)
CREATE OR REPLACE MACRO u(i, k) AS
    hash(xor(hash(xor(hash(getvariable('seed')), hash(i))), k::UBIGINT)) / 18446744073709551616.0;
CREATE OR REPLACE MACRO pick(xs, r) AS xs[1 + floor(r * len(xs))::INTEGER];
CREATE OR REPLACE MACRO logu(lo, hi, r) AS exp(ln(lo) + r * (ln(hi) - ln(lo)));
CREATE OR REPLACE MACRO mins(m) AS to_seconds(floor(m * 60));
CREATE OR REPLACE MACRO money(x) AS CAST(round(x, 2) AS DECIMAL(18, 2));
-- Instants are naive UTC TIMESTAMPs here (cheaper than TIMESTAMPTZ); London's offset is the EU
-- rule: summer time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday
-- of October.
CREATE OR REPLACE MACRO last_sunday(y, m) AS
    (make_date(y, m, 31) - dayofweek(make_date(y, m, 31))::INTEGER)::TIMESTAMP + INTERVAL 1 HOUR;
CREATE OR REPLACE MACRO bst(t) AS t >= last_sunday(year(t), 3) AND t < last_sunday(year(t), 10);
CREATE OR REPLACE MACRO utc_of_local(t) AS
    t - CASE WHEN bst(t - INTERVAL 1 HOUR) THEN INTERVAL 1 HOUR ELSE INTERVAL 0 HOUR END;
CREATE OR REPLACE MACRO end_ts() AS utc_of_local(CAST(getvariable('end_date')::DATE + 1 AS TIMESTAMP));
CREATE OR REPLACE MACRO local_date(t) AS
    CAST(t + CASE WHEN bst(t) THEN INTERVAL 1 HOUR ELSE INTERVAL 0 HOUR END AS DATE);
-- Most rows carry their offset; some are written in UTC, a few as local time without offset.
CREATE OR REPLACE MACRO fmt_ts(t, r) AS CASE
    WHEN t IS NULL THEN NULL
    WHEN r < 0.15 THEN replace(t::VARCHAR, ' ', 'T') || 'Z'
    WHEN r < 0.93 THEN CASE WHEN bst(t) THEN replace((t + INTERVAL 1 HOUR)::VARCHAR, ' ', 'T') || '+01:00'
                            ELSE replace(t::VARCHAR, ' ', 'T') || '+00:00' END
    ELSE (t + CASE WHEN bst(t) THEN INTERVAL 1 HOUR ELSE INTERVAL 0 HOUR END)::VARCHAR END;

-- One row per lead with every fact the files need. `ident` is the lead whose person and company
-- this lead carries: itself, or an earlier lead it duplicates.
CREATE OR REPLACE TABLE g_leads AS
WITH p AS (
    SELECT getvariable('n')::BIGINT AS n,
           getvariable('start_date')::DATE AS start_date,
           (getvariable('end_date')::DATE - getvariable('start_date')::DATE + 1)::BIGINT AS days,
           getvariable('companies')::BIGINT AS companies
),
a AS (
    -- lead volume grows over the window (density 1 + x), ids follow creation order
    SELECT r.range AS i, p.*,
           floor((sqrt(1 + 3 * ((r.range + u(r.range, 1)) / p.n)) - 1) * p.days)::INTEGER AS day0,
           u(r.range, 13) AS rdup
    FROM range(getvariable('n')) r, p
),
b AS (
    SELECT *,
        CASE WHEN day0 >= 2 AND dayofweek(start_date + day0) IN (0, 6) AND u(i, 2) < 0.7
             THEN day0 - CASE WHEN dayofweek(start_date + day0) = 6 THEN 1 ELSE 2 END
             ELSE day0 END AS day,
        CASE WHEN rdup < 0.05 THEN i - 1 - floor(u(i, 14) * n / days * 45)::BIGINT
             WHEN rdup < 0.058 THEN i - floor(n / days * (120 + u(i, 14) * 200))::BIGINT
        END AS src
    FROM a
),
c AS (
    SELECT i, start_date, companies,
        CASE WHEN src >= 0 THEN src ELSE i END AS ident,
        CASE WHEN src >= 0 AND rdup < 0.05 THEN 'duplicate' WHEN src >= 0 THEN 'returning' END AS dup_kind,
        utc_of_local(CAST(start_date + day AS TIMESTAMP) + mins(CASE WHEN u(i, 3) < 0.92
            THEN 420 + u(i, 15) * 720 ELSE u(i, 15) * 1440 END)) AS created,
        u(i, 4) AS rc
    FROM b
),
d AS (
    SELECT *,
        CASE WHEN rc < 0.20 THEN 'paid_search' WHEN rc < 0.34 THEN 'paid_social'
             WHEN rc < 0.47 THEN 'organic_search' WHEN rc < 0.54 THEN 'webinar'
             WHEN rc < 0.59 THEN 'events' WHEN rc < 0.67 THEN 'email'
             WHEN rc < 0.72 THEN 'referral' WHEN rc < 0.77 THEN 'partner'
             WHEN rc < 0.85 THEN 'content' WHEN rc < 0.91 THEN 'direct'
             WHEN rc < 0.96 THEN 'outbound' ELSE 'review_sites' END AS channel,
        floor(u(ident, 10) * companies)::BIGINT AS cidx,
        u(ident, 9) AS rjunk
    FROM c
),
e AS (
    SELECT *,
        CASE WHEN u(cidx, 1001) < 0.70 THEN 'GB' WHEN u(cidx, 1001) < 0.85 THEN 'IE'
             WHEN u(cidx, 1001) < 0.99 THEN pick(['US', 'DE', 'FR', 'NL', 'AU', 'ES'], u(cidx, 1008))
        END AS country,
        CASE WHEN u(cidx, 1002) < 0.12 THEN 1 + floor(u(cidx, 1003) * 19)::BIGINT
             WHEN u(cidx, 1002) < 0.16 THEN NULL
             ELSE floor(20 * exp(u(cidx, 1003) * 5.5))::BIGINT END AS employees,
        pick(['software', 'financial_services', 'manufacturing', 'retail', 'healthcare', 'logistics',
              'professional_services', 'education', 'construction', 'hospitality'], u(cidx, 1004)) AS industry,
        pick(['Northwind', 'Harbour', 'Kestrel', 'Blackthorn', 'Lumen', 'Corrib', 'Shannon', 'Pennine',
              'Thames', 'Avon', 'Cairn', 'Ashford', 'Brightwater', 'Calder', 'Dunmore', 'Elm', 'Fenwick',
              'Glenside', 'Holloway', 'Ironbridge', 'Juniper', 'Kilbride', 'Larch', 'Moorland', 'Newry',
              'Oakfield', 'Portland', 'Quarry', 'Redbrook', 'Severn', 'Tamar', 'Ulster', 'Vale', 'Wexford',
              'Yew', 'Albion', 'Beacon', 'Clyde', 'Derwent', 'Eden'], (cidx % 40) / 40.0) AS name1,
        pick(['Logistics', 'Analytics', 'Foods', 'Engineering', 'Health', 'Capital', 'Systems', 'Retail',
              'Energy', 'Labs', 'Partners', 'Building', 'Travel', 'Media', 'Software', 'Pharma', 'Freight',
              'Learning', 'Insurance', 'Digital', 'Estates', 'Components', 'Water', 'Security', 'Advisory'],
             ((cidx // 40) % 25) / 25.0) AS name2,
        cidx // 1000 AS name_n,
        CASE WHEN u(cidx, 1006) < 0.18 THEN 'existing_account' ELSE 'new_logo' END AS account_type,
        pick(['rep_amy', 'rep_ben', 'rep_chloe', 'rep_dev', 'rep_ella', 'rep_ciara', 'rep_sean'],
             u(cidx, 1007)) AS owner,
        pick(['Amy', 'Ben', 'Chloe', 'Dev', 'Ella', 'Finn', 'Grace', 'Harry', 'Isla', 'Jack', 'Kate', 'Liam',
              'Maya', 'Noah', 'Olivia', 'Patrick', 'Quinn', 'Ruby', 'Sam', 'Tara', 'Umar', 'Vera', 'Will',
              'Xena', 'Yusuf', 'Zoe', 'Aoife', 'Cian', 'Niamh', 'Oisin', 'Priya', 'Rhys', 'Siobhan', 'Tom',
              'Alice', 'James', 'Sophie', 'Oliver', 'Emily', 'George'], u(ident, 11)) AS first_name,
        pick(['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Davies', 'Evans', 'Thomas', 'Roberts',
              'Murphy', 'Kelly', 'OSullivan', 'Walsh', 'Byrne', 'Ryan', 'Patel', 'Khan', 'Wright', 'Walker',
              'Green', 'Hall', 'Wood', 'Clarke', 'Hughes', 'Edwards', 'Turner', 'Hill', 'Moore', 'Jackson',
              'Lewis', 'Lee', 'Harris', 'Martin', 'Cooper', 'King', 'Ward', 'Morgan', 'Baker', 'Doyle'],
             u(ident, 12)) AS last_name
    FROM d
),
f AS (
    SELECT *,
        CASE WHEN cidx % 97 = 0 THEN name1 || ', ' || name2 || ' & Co'
             ELSE name1 || ' ' || name2 || CASE WHEN name_n > 0 THEN ' ' || (name_n + 1) ELSE '' END
                  || pick([' Ltd', ' Limited', ' plc', ' Group', ''], u(cidx, 1009)) END AS company_name,
        lower(name1 || name2) || CASE WHEN name_n > 0 THEN (name_n + 1)::VARCHAR ELSE '' END
            || CASE WHEN country = 'GB' THEN '.co.uk' WHEN country = 'IE' THEN '.ie' ELSE '.com' END AS company_domain
    FROM e
),
g AS (
    SELECT i, ident, dup_kind, created, channel, country, employees, industry, account_type,
        CASE WHEN account_type = 'existing_account' THEN owner END AS account_owner,
        -- junk: a throwaway domain, or no company at all
        CASE WHEN rjunk < 0.012 THEN NULL WHEN rjunk < 0.022 THEN NULL ELSE company_domain END AS base_domain,
        CASE WHEN rjunk < 0.012 THEN pick(['example.com', 'mailinator.com', 'Example.com'], u(ident, 18))
             WHEN rjunk < 0.022 THEN NULL ELSE company_domain END AS domain,
        CASE WHEN rjunk < 0.012 THEN pick(['Test', 'asdf', company_name], u(ident, 19))
             WHEN rjunk < 0.022 THEN NULL ELSE company_name END AS company,
        CASE WHEN u(ident, 16) < 0.01 THEN NULL
             WHEN rjunk < 0.012 THEN lower(first_name) || (floor(u(ident, 17) * 1000)::INTEGER)::VARCHAR
                  || '@' || lower(pick(['example.com', 'mailinator.com', 'Example.com'], u(ident, 18)))
             WHEN rjunk < 0.022 THEN lower(first_name) || '.' || lower(last_name)
                  || (floor(u(ident, 17) * 100)::INTEGER)::VARCHAR || pick(['@gmail.com', '@outlook.com'], u(ident, 18))
             ELSE lower(first_name) || '.' || lower(last_name) || '@' || company_domain END AS email0,
        (rjunk < 0.022) AS junk
    FROM f
),
h AS (
    SELECT *,
        -- a duplicate often comes back typed differently
        CASE WHEN dup_kind IS NOT NULL AND u(i, 17) < 0.2 THEN upper(email0[1]) || email0[2:]
             WHEN dup_kind IS NOT NULL AND u(i, 17) < 0.3 THEN upper(email0)
             ELSE email0 END AS email,
        -- chance that a lead brings qualification evidence depends on where it came from
        CASE channel WHEN 'paid_search' THEN 0.40 WHEN 'paid_social' THEN 0.25 WHEN 'organic_search' THEN 0.35
             WHEN 'webinar' THEN 0.45 WHEN 'events' THEN 0.50 WHEN 'email' THEN 0.30 WHEN 'referral' THEN 0.65
             WHEN 'partner' THEN 0.55 WHEN 'content' THEN 0.25 WHEN 'direct' THEN 0.40 WHEN 'outbound' THEN 0.35
             ELSE 0.45 END + CASE WHEN account_type = 'existing_account' THEN 0.10 ELSE 0 END AS ready_p,
        local_date(created) AS created_date
    FROM g
),
k AS (
    SELECT *,
        CASE WHEN u(i, 20) < ready_p THEN 'full' WHEN u(i, 20) < ready_p + 0.15 THEN 'partial' ELSE 'none' END AS evidence,
        u(i, 21) < 0.55 AS answers_on_row,
        floor(u(i, 29) * 4)::INTEGER AS rot,
        -- what marketing checks before issuing (the agreement in force on the lead's date)
        (NOT junk AND country IN ('GB', 'IE')
            AND employees >= CASE WHEN created_date >= getvariable('v2_from')::DATE THEN 50 ELSE 20 END
            AND coalesce(dup_kind, '') <> 'duplicate') AS looks_ok
    FROM h
),
m AS (
    SELECT *,
        CASE evidence WHEN 'full' THEN 2 + floor(u(i, 32) * 3)::INTEGER
             WHEN 'partial' THEN CASE WHEN u(i, 32) < 0.5 THEN 1 ELSE 2 + floor(u(i, 33) * 2)::INTEGER END
             ELSE 0 END AS n_answers,
        CASE evidence WHEN 'full' THEN TRUE WHEN 'partial' THEN u(i, 32) < 0.25 ELSE FALSE END AS has_appointment,
        evidence <> 'none' AND NOT answers_on_row AND u(i, 23) < 0.12 AS qualified_late,
        (looks_ok AND evidence = 'full' AND u(i, 22) < 0.93) OR (NOT (looks_ok AND evidence = 'full') AND u(i, 22) < 0.015) AS will_issue
    FROM k
),
n AS (
    SELECT *,
        CASE WHEN evidence = 'none' THEN NULL WHEN answers_on_row THEN created
             WHEN qualified_late THEN NULL ELSE created + mins(logu(20, 4320, u(i, 24))) END AS ready_at,
        CASE WHEN ((0 - rot + 4) % 4) < n_answers THEN pick(['Contract with current provider ends in Q3',
                 'New finance director', 'Failed audit last year', 'Opening an office in Dublin',
                 'Board asked for cost savings', 'Legacy system out of support'], u(i, 60)) END AS a_trigger,
        CASE WHEN ((1 - rot + 4) % 4) < n_answers THEN pick(['Renewal at 12% higher price', 'Another audit finding',
                 'Month-end close keeps taking 9 days', 'Fines under the new regulation',
                 'Two analysts stuck in spreadsheets'], u(i, 61))
             WHEN n_answers = 1 AND u(i, 34) < 0.3 THEN '   ' END AS a_cost_of_inaction,
        CASE WHEN ((2 - rot + 4) % 4) < n_answers THEN pick(['CFO and Head of Operations', 'Finance director alone',
                 'CEO, CFO and IT lead', 'Procurement panel', 'Managing director'], u(i, 62)) END AS a_decision_makers,
        CASE WHEN ((3 - rot + 4) % 4) < n_answers THEN pick(['Consolidated reporting across 3 entities',
                 'Automated invoice matching', 'Audit trail for approvals', 'Forecasting by region',
                 'Replace spreadsheets'], u(i, 63)) END AS a_need,
        CASE WHEN has_appointment THEN strftime(CAST(created_date + 2 + floor(u(i, 35) * 8)::INTEGER AS TIMESTAMP)
                 + CASE WHEN u(i, 36) < 0.5 THEN INTERVAL 10 HOUR ELSE INTERVAL 870 MINUTE END, '%Y-%m-%d %H:%M') END AS a_appointment_at
    FROM m
),
o AS (
    SELECT *,
        CASE WHEN will_issue THEN coalesce(ready_at, created) + mins(logu(2, 2880, u(i, 25))) END AS issued1,
        CASE WHEN account_type = 'existing_account' THEN account_owner
             WHEN country = 'IE' THEN pick(['rep_ciara', 'rep_sean'], u(i, 37))
             ELSE pick(['rep_amy', 'rep_ben', 'rep_chloe', 'rep_dev', 'rep_ella'], u(i, 37)) END AS rep1,
        u(i, 30) AS rresp
    FROM n
),
q AS (
    SELECT *,
        CASE WHEN qualified_late AND issued1 IS NOT NULL THEN issued1 + mins(logu(60, 5760, u(i, 26)))
             WHEN qualified_late THEN created + mins(logu(60, 5760, u(i, 26)))
             WHEN NOT answers_on_row THEN ready_at END AS qualified_at,
        CASE WHEN issued1 IS NOT NULL AND u(i, 27) < 0.06 THEN issued1 + mins(logu(30, 4320, u(i, 38))) END AS issued2,
        CASE WHEN rep1 = 'rep_amy' THEN 'rep_ben' WHEN rep1 = 'rep_ben' THEN 'rep_chloe' WHEN rep1 = 'rep_chloe' THEN 'rep_dev'
             WHEN rep1 = 'rep_dev' THEN 'rep_ella' WHEN rep1 = 'rep_ella' THEN 'rep_amy' WHEN rep1 = 'rep_ciara' THEN 'rep_sean'
             ELSE 'rep_ciara' END AS rep2,
        CASE WHEN issued1 IS NOT NULL AND u(i, 28) < 0.03 THEN issued1 + mins(logu(2880, 43200, u(i, 39))) END AS recycled_at,
        CASE WHEN issued1 IS NULL THEN NULL
             WHEN rresp < 0.22 THEN logu(0.25, 5, u(i, 31))
             WHEN rresp < 0.52 THEN logu(5, 60, u(i, 31))
             WHEN rresp < 0.77 THEN logu(60, 1440, u(i, 31))
             WHEN rresp < 0.85 THEN logu(1440, 4320, u(i, 31))
             WHEN rresp < 0.90 THEN logu(4320, 20160, u(i, 31)) END AS response_minutes
    FROM o
),
s AS (
    SELECT *,
        issued1 + mins(response_minutes) AS responded_at,
        -- slow follow-up loses opportunities (D20 has something to show)
        issued1 IS NOT NULL AND u(i, 40) < CASE WHEN account_type = 'existing_account' THEN 0.50 ELSE 0.30 END
            * CASE WHEN response_minutes IS NULL THEN 0.12 WHEN response_minutes < 5 THEN 1.35
                   WHEN response_minutes < 60 THEN 1.0 WHEN response_minutes < 1440 THEN 0.8
                   WHEN response_minutes < 4320 THEN 0.6 ELSE 0.45 END
            * CASE WHEN channel IN ('referral', 'partner', 'events') THEN 1.25
                   WHEN channel IN ('paid_social', 'content') THEN 0.8 ELSE 1.0 END AS has_opportunity
    FROM q
)
SELECT * EXCLUDE (email0, base_domain, ready_p, rot, rresp, looks_ok, evidence),
    CASE WHEN has_opportunity THEN coalesce(responded_at, issued1 + INTERVAL 2 DAY)
        + mins(logu(60, 30240, u(i, 41))) END AS opportunity_at,
    CASE WHEN has_opportunity AND u(i, 42) < 0.07 THEN TRUE ELSE FALSE END AS second_opportunity,
    CASE WHEN responded_at IS NOT NULL THEN u(i, 43) < 0.88 ELSE issued1 IS NOT NULL AND u(i, 43) < 0.3 END AS coded
FROM s;

-- Opportunities: a first (and sometimes second) per lead that has one, and a few without a lead.
CREATE OR REPLACE TABLE g_opportunities AS
WITH raw AS (
    SELECT i * 4 + 1 AS ok, printf('OP%08d-1', i) AS opportunity_id, printf('L%08d', i) AS lead_id,
           opportunity_at AS created, account_type
    FROM g_leads WHERE has_opportunity
    UNION ALL
    SELECT i * 4 + 2, printf('OP%08d-2', i), printf('L%08d', i),
           opportunity_at + mins(logu(43200, 288000, u(i, 44))), account_type
    FROM g_leads WHERE has_opportunity AND second_opportunity
    UNION ALL
    SELECT -1 - r.range, printf('OPX%07d', r.range), NULL,
           utc_of_local(CAST(getvariable('start_date')::DATE
               + floor(u(-1 - r.range, 100) * (getvariable('end_date')::DATE - getvariable('start_date')::DATE))::INTEGER
               AS TIMESTAMP) + mins(540 + u(-1 - r.range, 99) * 480)),
           CASE WHEN u(-1 - r.range, 98) < 0.7 THEN 'existing_account' ELSE 'new_logo' END
    FROM range(greatest(3, getvariable('n') // 100)) r
),
st AS (
    SELECT *,
        u(ok, 101) < 0.55 AS has_proposal,
        u(ok, 102) < 0.6 AS has_negotiation,
        u(ok, 103) AS rclose,
        created + mins(logu(7200, 43200, u(ok, 104))) AS proposal_at0
    FROM raw
),
st2 AS (
    SELECT *,
        CASE WHEN has_proposal THEN proposal_at0 END AS proposal_at,
        CASE WHEN has_proposal AND has_negotiation THEN proposal_at0 + mins(logu(5760, 28800, u(ok, 105))) END AS negotiation_at
    FROM st
),
st3 AS (
    SELECT *,
        CASE WHEN negotiation_at IS NOT NULL THEN
                  CASE WHEN rclose < CASE WHEN account_type = 'existing_account' THEN 0.75 ELSE 0.60 END THEN 'won' ELSE 'lost' END
             WHEN proposal_at IS NOT NULL THEN CASE WHEN rclose < 0.8 THEN 'lost' ELSE 'open' END
             ELSE CASE WHEN rclose < 0.7 THEN 'lost' ELSE 'open' END END AS final_status,
        coalesce(negotiation_at, proposal_at, created)
            + mins(logu(4320, CASE WHEN negotiation_at IS NOT NULL THEN 43200 ELSE 57600 END, u(ok, 106))) AS close_at0,
        CASE WHEN account_type = 'existing_account' THEN 3000 * exp(u(ok, 107) * 2.3)
             ELSE 6000 * exp(u(ok, 107) * 2.5) END AS deal_value,
        0.35 + u(ok, 108) * 0.35 AS margin,
        u(ok, 109) AS rgp
    FROM st2
)
SELECT *,
    CASE WHEN final_status <> 'open' AND close_at0 < end_ts()
         THEN final_status ELSE 'open' END AS status
FROM st3;

-- Costs follow the leads: each channel's monthly budget is its leads times a cost per lead, split
-- over categories and shapes (daily rows, one dated row, a month-long range); shared costs have
-- a blank channel; annual subscriptions are ranges; a few credits and out-of-policy rows.
CREATE OR REPLACE MACRO u2(a, b, k) AS
    hash(xor(hash(xor(hash(xor(hash(getvariable('seed')), hash(a))), hash(b))), k::UBIGINT)) / 18446744073709551616.0;

CREATE OR REPLACE TABLE g_costs AS
WITH months AS (
    SELECT channel, date_trunc('month', created_date)::DATE AS month, count(*) AS leads
    FROM g_leads GROUP BY ALL
),
cpl(channel, cost_per_lead) AS (VALUES
    ('paid_search', 95.0), ('paid_social', 70.0), ('organic_search', 12.0), ('webinar', 60.0),
    ('events', 260.0), ('email', 15.0), ('referral', 40.0), ('partner', 80.0), ('content', 35.0),
    ('outbound', 150.0), ('review_sites', 110.0)
),
plan(channel, category, share, shape, vendor, note) AS (VALUES
    ('paid_search', 'media', 0.80, 'daily', 'Google Ads', 'Search ads'),
    ('paid_search', 'agency', 0.15, 'month', 'Clicks & Co', 'PPC management retainer'),
    ('paid_search', 'creative', 0.05, 'dated', 'Studio Nine', 'Ad copy and landing pages'),
    ('paid_social', 'media', 0.75, 'daily', 'LinkedIn', 'Sponsored content'),
    ('paid_social', 'creative', 0.15, 'dated', 'Studio Nine', 'Social creative'),
    ('paid_social', 'agency', 0.10, 'month', 'Social Lab', 'Paid social retainer'),
    ('organic_search', 'agency', 0.60, 'month', 'Rankwell', 'SEO retainer'),
    ('organic_search', 'tools', 0.20, 'dated', 'Semrush', 'SEO tools'),
    ('organic_search', 'creative', 0.20, 'dated', 'Freelance writers', 'Articles'),
    ('webinar', 'media', 0.40, 'dated', 'LinkedIn', 'Webinar promotion'),
    ('webinar', 'labor', 0.45, 'month', NULL, 'Webinar producer (contract)'),
    ('webinar', 'creative', 0.15, 'dated', 'Studio Nine', 'Webinar slides'),
    ('events', 'events', 0.80, 'dated', 'ExCeL / RDS', 'Stand, venue and travel'),
    ('events', 'creative', 0.10, 'dated', 'PrintWorks', 'Stand graphics'),
    ('events', 'media', 0.10, 'dated', 'LinkedIn', 'Event promotion'),
    ('email', 'tools', 0.50, 'dated', 'HubSpot', 'Email add-on'),
    ('email', 'labor', 0.50, 'month', NULL, 'Email marketer (part-time)'),
    ('referral', 'agency', 1.00, 'dated', 'Referral partners', 'Referral fees'),
    ('partner', 'agency', 0.85, 'dated', 'Channel partners', 'Partner marketing funds'),
    ('partner', 'events', 0.15, 'dated', 'Channel partners', 'Co-marketing event'),
    ('content', 'creative', 0.70, 'dated', 'Freelance writers', 'Guides and case studies'),
    ('content', 'labor', 0.30, 'month', NULL, 'Content writer (contract)'),
    ('outbound', 'labor', 0.80, 'month', NULL, 'SDR salaries'),
    ('outbound', 'tools', 0.20, 'dated', 'Outreach', 'Sales engagement platform'),
    ('review_sites', 'media', 0.80, 'dated', 'G2 / Capterra', 'Review site PPC'),
    ('review_sites', 'subscriptions', 0.20, 'month', 'G2', 'Premium profile')
),
budget AS (
    SELECT m.channel, m.month, m.leads * c.cost_per_lead * (0.9 + 0.2 * u2(m.channel, m.month, 1)) AS amount
    FROM months m JOIN cpl c USING (channel)
),
bounds AS (
    SELECT getvariable('start_date')::DATE AS start_date, getvariable('end_date')::DATE AS end_date
),
direct AS (
    SELECT b.channel, p.category, p.vendor, p.note, p.shape, b.month, b.amount * p.share AS amount
    FROM budget b JOIN plan p USING (channel)
),
shared_plan(category, share, shape, vendor, note) AS (VALUES
    ('labor', 0.50, 'month', NULL, 'Marketing team salaries'),
    ('overhead', 0.20, 'month', NULL, 'Office and IT allocation'),
    ('tools', 0.10, 'dated', 'Looker', 'Analytics and BI'),
    ('agency', 0.20, 'month', 'Brightside', 'Brand agency retainer')
),
shared AS (
    SELECT NULL::VARCHAR AS channel, s.category, s.vendor, s.note, s.shape, t.month, t.amount * 0.33 * s.share AS amount
    FROM (SELECT month, sum(amount) AS amount FROM budget GROUP BY month) t, shared_plan s
),
lines AS (
    -- daily rows
    SELECT d.channel, d.category, d.vendor, d.note,
           d.amount / (last_day(d.month) - d.month + 1) * (0.85 + 0.3 * u2(d.channel || d.category, day.day, 2)) AS amount,
           day.day::DATE AS date, NULL::DATE AS period_start, NULL::DATE AS period_end
    FROM direct d, bounds, LATERAL (SELECT unnest(generate_series(d.month, last_day(d.month), INTERVAL 1 DAY)) AS day) day
    WHERE d.shape = 'daily' AND day.day BETWEEN bounds.start_date AND bounds.end_date
    UNION ALL
    SELECT channel, category, vendor, note, amount,
           greatest(month + floor(u2(coalesce(channel, '') || category, month, 3) * 28)::INTEGER, bounds.start_date), NULL, NULL
    FROM (SELECT * FROM direct UNION ALL SELECT * FROM shared), bounds WHERE shape = 'dated'
    UNION ALL
    SELECT channel, category, vendor, note, amount, NULL, month, last_day(month)
    FROM (SELECT * FROM direct UNION ALL SELECT * FROM shared) WHERE shape = 'month'
    UNION ALL
    -- annual subscriptions (the last one runs past the end of the data)
    SELECT a.channel, 'subscriptions', a.vendor, a.note,
           (SELECT sum(amount) FROM budget) / 24 * 12 * a.share,
           NULL, (bounds.start_date + to_months(a.offset_months))::DATE,
           (bounds.start_date + to_months(a.offset_months + 12))::DATE - 1
    FROM bounds, (VALUES (NULL, 'Salesforce', 'CRM licence (annual)', 0.05, 0),
                         (NULL, 'Salesforce', 'CRM licence (annual)', 0.055, 12),
                         (NULL, 'HubSpot', 'Marketing automation (annual)', 0.03, 4),
                         (NULL, 'HubSpot', 'Marketing automation (annual)', 0.032, 16),
                         ('webinar', 'ON24', 'Webinar platform (annual)', 0.01, 0),
                         ('webinar', 'ON24', 'Webinar platform (annual)', 0.01, 12))
         a(channel, vendor, note, share, offset_months)
    UNION ALL
    -- credits, and rows the cost policy leaves out
    SELECT c.channel, c.category, c.vendor, c.note,
           -(SELECT sum(amount) FROM budget) * c.share,
           (bounds.start_date + floor(u2('credit', c.k, 4) * (bounds.end_date - bounds.start_date))::INTEGER)::DATE, NULL, NULL
    FROM bounds, (VALUES ('paid_search', 'media', 'Google Ads', 'Invalid-click credit', 0.0004, 1),
                         ('paid_search', 'media', 'Google Ads', 'Invalid-click credit', 0.0003, 2),
                         ('paid_search', 'media', 'Google Ads', 'Invalid-click credit', 0.0005, 3),
                         ('paid_social', 'media', 'LinkedIn', 'Refund: duplicate billing', 0.0006, 4),
                         ('events', 'events', 'ExCeL / RDS', 'Deposit returned', 0.0010, 5),
                         ('paid_social', 'media', 'Meta', 'Promotional credit', 0.0002, 6))
         c(channel, category, vendor, note, share, k)
    UNION ALL
    SELECT c.channel, 'sales_commission', NULL, 'Commission on closed deals (not marketing)',
           (SELECT sum(amount) FROM budget) * 0.002,
           (bounds.start_date + floor(u2('commission', c.k, 5) * (bounds.end_date - bounds.start_date))::INTEGER)::DATE, NULL, NULL
    FROM bounds, (VALUES (NULL, 1), ('outbound', 2), (NULL, 3)) c(channel, k)
),
numbered AS (
    SELECT channel, category, vendor, note, money(amount) AS amount, date, period_start, period_end,
           row_number() OVER (ORDER BY coalesce(date, period_start), channel NULLS FIRST, category, note, amount) AS rn
    FROM lines
)
SELECT CASE WHEN u(rn, 7) < 0.05 THEN NULL ELSE printf('C%06d', rn) END AS cost_id,
       category, amount, date, period_start, period_end, channel,
       CASE WHEN u(rn, 8) < 0.1 THEN NULL ELSE 'GBP' END AS currency, vendor, note, rn
FROM numbered
UNION ALL
-- two identical lines without ids are two costs (SPEC "Data in")
SELECT NULL, 'events', 350.00::DECIMAL(18, 2), (SELECT end_date - 40 FROM bounds), NULL, NULL, 'events', 'GBP',
       'Coffee Co', 'Coffee cart', 1000000000 + k
FROM range(2) t(k)
ORDER BY rn;
