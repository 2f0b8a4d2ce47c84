"""Why one lead has the status it has: the facts behind D2-D6 for a single lead."""

from __future__ import annotations

import duckdb

from netlead._lazy import exp
from netlead.errors import NetleadError
from netlead.metrics import _sql, derived, periods
from netlead.metrics.duplicates import normalised_key


def lead(con: duckdb.DuckDBPyConnection, agreement, lead_id: str, as_of=None) -> dict:
    """Explain one lead at `as_of` (T2): when it was created, its channel, the agreement version
    governing it (T4), its status and reason, the rule that matched (number, line, text), the
    evidence answers found with when each was recorded and whether it counted (D3), its first issue
    and response, and whether it was issued off agreement (D6)."""
    derived.ensure(con, agreement)
    moment = periods.resolve_as_of(agreement.calendar, as_of)
    params = {"lead_id": lead_id, "as_of": moment}
    rows = _sql.arrow(con, "lead", params).to_pylist()
    if not rows or rows[0]["created_at"] > moment:
        raise NetleadError(
            f"no lead {lead_id!r} created by {moment.isoformat()}",
            "check the id, or give a later --as-of",
        )
    found = rows[0]
    version = agreement.versions[found["version_index"]]
    issued = found["first_issued_at"] is not None and found["first_issued_at"] <= moment
    rule = None
    if found["rule_index"] is not None:
        rule = _rule(con, version.net.subtract[found["rule_index"]], found["rule_index"], lead_id)
    answers = _answers(con, version.net.evidence, params, found["evidence_cutoff"])
    return {
        "lead_id": lead_id,
        "as_of": moment,
        "created_at": found["created_at"],
        "channel": found["channel"],
        "account_type": found["account_type"],
        "version": version.version,
        "version_effective_from": version.effective_from,
        "status": found["status"],
        "reason": None if found["status"] == "net" else found["status"],
        "rule": rule,
        "evidence": {
            "answers": answers,
            "min_answers": version.net.evidence.min_answers,
            "appointment": version.net.evidence.appointment,
            "sufficient_at": found["evidence_at"],
            "counted_until": found["evidence_cutoff"],
        },
        "first_issued_at": found["first_issued_at"] if issued else None,
        "first_responded_at": found["first_responded_at"]
        if issued and found["first_responded_at"] is not None and found["first_responded_at"] <= moment
        else None,
        "issued_off_agreement": (not found["issued_net"]) if issued else None,
    }


def _rule(con, rule, index: int, lead_id: str) -> dict:
    out = {"number": index + 1, "line": rule.line, "kind": rule.kind, "reason": rule.reason}
    if rule.duplicate is None:
        out["text"] = rule.condition.text
        return out
    keys = rule.duplicate.keys
    out["text"] = (
        f"duplicate of an earlier lead with the same {', '.join(keys)} within {rule.duplicate.within_days} days"
    )
    same = exp.and_(*[normalised_key(k, "l").eq(normalised_key(k, "t")) for k in keys])
    found = con.execute(_sql.render("duplicate_of", {"__same_keys": same}), {"lead_id": lead_id}).fetchall()
    out["duplicate_of"] = found[0][0] if found else None
    return out


def _answers(con, evidence, params: dict, cutoff) -> list[dict]:
    """Each evidence field with its latest non-empty value recorded by the cutoff (D3) — or, when
    none counted, the first one recorded after it, marked as not counted."""
    fields = [*evidence.answers, *(["appointment_at"] if evidence.appointment == "required" else [])]
    recordings = _sql.arrow(con, "lead_answers", params).to_pylist()
    out = []
    for field in fields:
        found = [r for r in recordings if r[field] is not None and r[field].strip(_sql.WHITESPACE)]
        counted = [r for r in found if r["recorded_at"] <= cutoff]
        chosen = counted[-1] if counted else (found[0] if found else None)
        out.append(
            {
                "field": field,
                "value": chosen[field] if chosen else None,
                "recorded_at": chosen["recorded_at"] if chosen else None,
                "source": chosen["source"] if chosen else None,
                "counted": bool(counted),
            }
        )
    return out
