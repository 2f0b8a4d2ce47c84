"""D1-D4 (and T4 for statuses): the gross-to-net waterfall, counts worked out by hand."""

from conftest import rows, version

from netlead.metrics import cpnsli, lead, waterfall


def counts(con, agreement, month="2026-01", as_of="2026-12-31") -> dict[str, int]:
    table = waterfall(con, agreement, from_=month, to=month, as_of=as_of)
    return {r[2]: r[3] for r in rows(table)}


def test_d2_duplicate_chain_within_the_closest_earlier_lead(write_agreement, store_for):
    agreement = write_agreement(
        version(
            net={
                "subtract": [
                    {"reason": "duplicate", "duplicate": {"keys": ["email"], "within_days": 10}},
                ]
            }
        )
    )
    s = store_for(agreement)
    s.lead("A", "2026-01-01 10:00", email="X@Acme.test")
    s.lead("B", "2026-01-08 10:00", email=" x@acme.test\t")  # 7 days after A: duplicate
    s.lead("C", "2026-01-15 10:00", email="x@ACME.test\r\n")  # 14 days after A, 7 after B: duplicate
    s.lead("D", "2026-01-26 10:00", email="x@acme.test")  # 11 days after C: not
    s.lead("E", "2026-02-05 10:00", email="x@acme.test")  # exactly 10 x 24 h after D: duplicate
    s.lead("F", "2026-01-02 10:00", email="  ")  # empty keys never match
    s.lead("G", "2026-01-03 10:00", email="")
    s.lead("H", "2026-01-04 10:00", email=None)
    s.lead("I", "2026-01-05 10:00", email=None)
    s.refresh()
    assert counts(s.con, agreement) == {"gross_leads": 8, "duplicate": 2, "not_ready": 0, "net_leads": 6}
    assert counts(s.con, agreement, "2026-02") == {
        "gross_leads": 1,
        "duplicate": 1,
        "not_ready": 0,
        "net_leads": 0,
    }


def test_d2_same_created_at_the_lower_lead_id_in_byte_order_is_earlier(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("a2", "2026-01-05 10:00", email="same@acme.test")
    s.lead("B1", "2026-01-05 10:00", email="same@acme.test")  # 'B' (0x42) sorts before 'a' (0x61)
    s.refresh()
    assert lead(s.con, agreement, "a2", as_of="2026-02-01")["status"] == "duplicate"
    assert lead(s.con, agreement, "B1", as_of="2026-02-01")["status"] == "net"


def test_d2_duplicate_of_a_lead_that_is_itself_subtracted(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("junk", "2026-01-05 10:00", email="p@acme.test", domain="example.com")  # invalid
    s.lead("again", "2026-01-06 10:00", email="p@acme.test")  # still a duplicate of it
    s.refresh()
    assert counts(s.con, agreement) == {
        "gross_leads": 2,
        "duplicate": 1,
        "invalid": 1,
        "out_of_profile": 0,
        "not_ready": 0,
        "net_leads": 0,
    }


def test_d2_first_rule_matched_wins_and_missing_profile_data_fails_unless(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("both", "2026-01-05 10:00", domain="Example.com", country="US")  # invalid and out of profile
    s.lead("no_size", "2026-01-06 10:00", employees=None)  # unless: null does not pass
    s.lead("no_country", "2026-01-07 10:00", country=None)
    s.lead("small", "2026-01-08 10:00", employees=5)
    s.lead("ok", "2026-01-09 10:00", country="IE", employees=20)
    s.refresh()
    assert counts(s.con, agreement) == {
        "gross_leads": 5,
        "duplicate": 0,
        "invalid": 1,
        "out_of_profile": 3,
        "not_ready": 0,
        "net_leads": 1,
    }


def test_d3_evidence_answers_from_qualified_events_and_after_the_issue(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    # Two answers from two qualified events, both before the issue: net.
    s.lead("events", "2026-01-05 10:00", trigger=None, need=None)
    s.event("events", "qualified", "2026-01-06 10:00", trigger="new CFO")
    s.event("events", "qualified", "2026-01-07 10:00", decision_makers="CFO, CTO")
    s.event("events", "issued", "2026-01-08 10:00")
    # One answer on the row, the second recorded after the issue: not ready, issued off agreement.
    s.lead("late", "2026-01-05 11:00", need=None)
    s.event("late", "issued", "2026-01-06 10:00")
    s.event("late", "qualified", "2026-01-07 10:00", need="crm")
    # Whitespace is no answer; a later empty value does not erase an answer.
    s.lead("blank", "2026-01-05 12:00", trigger=" \t", need="n")
    s.lead("kept", "2026-01-05 13:00", trigger=None, need="n")
    s.event("kept", "qualified", "2026-01-06 10:00", trigger="t")
    s.event("kept", "qualified", "2026-01-07 10:00", trigger="  ")
    # Non-qualified events carry no answers.
    s.lead("wrong_type", "2026-01-05 14:00", trigger=None)
    s.event("wrong_type", "responded", "2026-01-06 10:00", trigger="t")
    s.refresh()
    assert counts(s.con, agreement) == {
        "gross_leads": 5,
        "duplicate": 0,
        "invalid": 0,
        "out_of_profile": 0,
        "not_ready": 3,
        "net_leads": 2,
    }
    assert rows(cpnsli(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-12-31")) == [
        ("2026-01-01", "2026-01", 0.0, 1, 1, 0.0)  # D5 events; D6 late
    ]
    # Never issued: the answers count up to as_of (kept has its 2nd answer on the 6th).
    assert counts(s.con, agreement, as_of="2026-01-05 23:00")["net_leads"] == 0
    assert counts(s.con, agreement, as_of="2026-01-06 12:00")["net_leads"] == 1


def test_d3_min_answers_and_appointment_required(write_agreement, store_for):
    agreement = write_agreement(
        version(
            net={
                "evidence": {
                    "answers": ["trigger", "cost_of_inaction", "decision_makers", "need"],
                    "min_answers": 3,
                    "appointment": "required",
                }
            }
        )
    )
    s = store_for(agreement)
    s.lead("two", "2026-01-05 10:00", appointment_at="2026-01-20 10:00")  # 2 of 3 answers
    s.lead("three_no_meeting", "2026-01-05 11:00", decision_makers="CFO")
    s.lead("three_meeting_later", "2026-01-05 12:00", decision_makers="CFO")
    s.event("three_meeting_later", "qualified", "2026-01-09 10:00", appointment_at="2026-01-20 10:00")
    s.refresh()
    assert counts(s.con, agreement) == {
        "gross_leads": 3,
        "duplicate": 0,
        "invalid": 0,
        "out_of_profile": 0,
        "not_ready": 2,
        "net_leads": 1,
    }
    assert counts(s.con, agreement, as_of="2026-01-08")["not_ready"] == 3  # the appointment comes on the 9th


def test_d4_every_step_of_every_period_even_empty(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("a", "2026-01-05 10:00")
    s.lead("b", "2026-03-05 10:00", trigger=None)
    s.refresh()
    table = waterfall(s.con, agreement, from_="2026-01-15", to="2026-03-01", as_of="2026-12-31")
    assert table.column_names == ["period_start", "period", "reason", "count"]
    assert [str(t) for t in table.schema.types] == ["date32[day]", "string", "string", "int64"]
    assert rows(table) == [
        ("2026-01-01", "2026-01", "gross_leads", 1),
        ("2026-01-01", "2026-01", "duplicate", 0),
        ("2026-01-01", "2026-01", "invalid", 0),
        ("2026-01-01", "2026-01", "out_of_profile", 0),
        ("2026-01-01", "2026-01", "not_ready", 0),
        ("2026-01-01", "2026-01", "net_leads", 1),
        ("2026-02-01", "2026-02", "gross_leads", 0),
        ("2026-02-01", "2026-02", "duplicate", 0),
        ("2026-02-01", "2026-02", "invalid", 0),
        ("2026-02-01", "2026-02", "out_of_profile", 0),
        ("2026-02-01", "2026-02", "not_ready", 0),
        ("2026-02-01", "2026-02", "net_leads", 0),
        ("2026-03-01", "2026-03", "gross_leads", 1),
        ("2026-03-01", "2026-03", "duplicate", 0),
        ("2026-03-01", "2026-03", "invalid", 0),
        ("2026-03-01", "2026-03", "out_of_profile", 0),
        ("2026-03-01", "2026-03", "not_ready", 1),
        ("2026-03-01", "2026-03", "net_leads", 0),
    ]


def test_d4_rules_sharing_a_reason_share_a_row(write_agreement, store_for):
    agreement = write_agreement(
        version(
            net={
                "subtract": [
                    {"reason": "invalid", "when": "company is null"},
                    {"reason": "out_of_profile", "unless": "country = 'GB'"},
                    {"reason": "invalid", "when": "lower(domain) = 'example.com'"},
                ]
            }
        )
    )
    s = store_for(agreement)
    s.lead("a", "2026-01-05 10:00", company=None)
    s.lead("b", "2026-01-05 11:00", domain="example.com")
    s.lead("c", "2026-01-05 12:00", country="IE")
    s.refresh()
    table = waterfall(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-12-31")
    assert [(r[2], r[3]) for r in rows(table)] == [
        ("gross_leads", 3),
        ("invalid", 2),
        ("out_of_profile", 1),
        ("not_ready", 0),
        ("net_leads", 0),
    ]


def test_t4_each_lead_under_the_version_of_its_created_date(write_agreement, store_for):
    v1 = version(calendar={"timezone": "Europe/London"})
    v2 = version(version=2, effective_from="2026-04-01", calendar={"timezone": "Europe/London"})
    v2["net"]["subtract"].append({"reason": "competitor", "when": "company = 'Rival'"})
    v2["net"]["evidence"]["min_answers"] = 3
    agreement = write_agreement(v1, v2)
    s = store_for(agreement)
    s.lead("before_v1", "2025-12-15 10:00", company="Rival")  # the earliest version governs
    s.lead("last_v1", "2026-03-31 23:30", company="Rival")  # 22:30 UTC, still 31 March locally
    s.lead("first_v2", "2026-04-01 00:30", company="Rival")  # 31 March 23:30 UTC, 1 April locally
    s.lead("v2_two_answers", "2026-04-02 10:00")
    s.refresh()
    table = waterfall(s.con, agreement, by="quarter", from_="2025-10-01", to="2026-06-30", as_of="2026-12-31")
    # Reasons: the union over versions in order of first appearance.
    assert rows(table) == [
        ("2025-10-01", "2025-Q4", "gross_leads", 1),
        ("2025-10-01", "2025-Q4", "duplicate", 0),
        ("2025-10-01", "2025-Q4", "invalid", 0),
        ("2025-10-01", "2025-Q4", "out_of_profile", 0),
        ("2025-10-01", "2025-Q4", "competitor", 0),
        ("2025-10-01", "2025-Q4", "not_ready", 0),
        ("2025-10-01", "2025-Q4", "net_leads", 1),
        ("2026-01-01", "2026-Q1", "gross_leads", 1),
        ("2026-01-01", "2026-Q1", "duplicate", 0),
        ("2026-01-01", "2026-Q1", "invalid", 0),
        ("2026-01-01", "2026-Q1", "out_of_profile", 0),
        ("2026-01-01", "2026-Q1", "competitor", 0),
        ("2026-01-01", "2026-Q1", "not_ready", 0),
        ("2026-01-01", "2026-Q1", "net_leads", 1),
        ("2026-04-01", "2026-Q2", "gross_leads", 2),
        ("2026-04-01", "2026-Q2", "duplicate", 0),
        ("2026-04-01", "2026-Q2", "invalid", 0),
        ("2026-04-01", "2026-Q2", "out_of_profile", 0),
        ("2026-04-01", "2026-Q2", "competitor", 1),
        ("2026-04-01", "2026-Q2", "not_ready", 1),
        ("2026-04-01", "2026-Q2", "net_leads", 0),
    ]


def test_d2_rules_on_attributes(write_agreement, store_for):
    agreement = write_agreement(
        version(
            net={
                "subtract": [
                    {"reason": "duplicate", "duplicate": {"keys": ["crm_contact"], "within_days": 30}},
                    {"reason": "invalid", "when": "cast(score as integer) < 10"},
                ]
            }
        )
    )
    s = store_for(agreement)
    s.lead("a", "2026-01-05 10:00", attributes='{"crm_contact": "C-1", "score": "50"}')
    s.lead("b", "2026-01-06 10:00", attributes='{"crm_contact": " c-1", "score": "50"}')  # duplicate
    s.lead("c", "2026-01-07 10:00", attributes='{"crm_contact": "C-2", "score": "5"}')  # invalid
    s.lead("d", "2026-01-08 10:00", attributes='{"score": "n/a"}')  # no key; the cast is null: passes
    s.refresh()
    assert counts(s.con, agreement) == {
        "gross_leads": 4,
        "duplicate": 1,
        "invalid": 1,
        "not_ready": 0,
        "net_leads": 2,
    }


def test_facts_are_built_when_missing_or_built_under_other_versions(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    s.lead("a", "2026-01-05 10:00", country="US")
    # No refresh: the first metric builds the facts.
    assert counts(s.con, agreement)["out_of_profile"] == 1
    other = write_agreement(version(net={"subtract": []}))
    assert counts(s.con, other)["net_leads"] == 1
