"""One version of netlead.yaml, as frozen pydantic models of exactly the shape of
shared/agreement.example.yaml. Checks that need one field live here; checks across a version or
across versions live in the loader, which knows the lines."""

from __future__ import annotations

import hashlib
import json
from datetime import date, time
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    Strict,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .calendar import Calendar
from .conditions import Condition, resolve_name

Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
# Strict: `true` or "90" is not a whole number (pydantic would otherwise read true as 1).
Whole = Annotated[int, Strict()]
ANSWER_FIELDS = ("trigger", "cost_of_inaction", "decision_makers", "need")
# The waterfall's own steps (D4) and the evidence rule's reason (D3): no subtraction rule may use them.
RESERVED_REASONS = ("gross_leads", "not_ready", "net_leads", "net")
# D23: the journey's fixed stages; opportunity stages named by the agreement go before `won`.
FIXED_STAGES = ("lead", "net", "issued", "responded", "opportunity")
OUTCOME_NEXT = ("opportunity", "working", "nurture", "closed")
MAX_OUTCOME_CODES = 8


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _column(name: str, info: ValidationInfo) -> str:
    """A lead column or attribute name, checked like a condition's columns."""
    context = info.context or {}
    resolved, canonical = resolve_name(name, False, context.get("attributes"))
    if not canonical:
        context.setdefault("assumed", set()).add(resolved)
    return resolved


class Restatement(Model):
    reason: str = Field(min_length=1)


class Duplicate(Model):
    keys: list[str] = Field(min_length=1)
    within_days: Whole = Field(gt=0)

    @field_validator("keys")
    @classmethod
    def _known_keys(cls, keys: list[str], info: ValidationInfo) -> list[str]:
        return [_column(key, info) for key in keys]


class Rule(Model):
    """A subtraction rule (D2): exactly one of `duplicate`, `when`, `unless`."""

    reason: Name
    duplicate: Duplicate | None = None
    when: Condition | None = None
    unless: Condition | None = None
    _line: int = PrivateAttr(default=0)

    @field_validator("reason")
    @classmethod
    def _not_reserved(cls, reason: str) -> str:
        if reason in RESERVED_REASONS:
            raise ValueError(
                f"{reason!r} is a step of the waterfall, not a rule's reason — use another name, "
                "such as duplicate, invalid or out_of_profile"
            )
        return reason

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> Rule:
        given = [k for k in ("duplicate", "when", "unless") if getattr(self, k) is not None]
        if len(given) != 1:
            has = f"it has {' and '.join(given)}" if given else "it has none"
            raise ValueError(f"a rule has exactly one of duplicate, when, unless — {has}")
        return self

    @property
    def line(self) -> int:
        return self._line

    @property
    def kind(self) -> Literal["duplicate", "when", "unless"]:
        return "duplicate" if self.duplicate else "when" if self.when else "unless"

    @property
    def condition(self) -> Condition | None:
        return self.when or self.unless

    def match_sql(self, alias: str = "l") -> str:
        """For a `when`/`unless` rule, SQL that is true exactly when the rule matches (D2): a null
        `when` does not match, a null `unless` does (missing data does not pass the profile)."""
        if self.when is not None:
            return f"COALESCE({self.when.sql(alias)}, FALSE)"
        if self.unless is not None:
            return f"NOT COALESCE({self.unless.sql(alias)}, FALSE)"
        raise ValueError("a duplicate rule compares leads with each other; it has no condition")


class Evidence(Model):
    answers: list[Literal["trigger", "cost_of_inaction", "decision_makers", "need"]] = Field(min_length=1)
    min_answers: Whole = Field(ge=0)
    appointment: Literal["required", "optional"] = "optional"

    @field_validator("min_answers")
    @classmethod
    def _at_most_answers(cls, value: int, info: ValidationInfo) -> int:
        answers = info.data.get("answers")
        if answers is not None and value > len(answers):
            raise ValueError(
                f"min_answers is {value} but only {len(answers)} answers are listed — at most {len(answers)}"
            )
        return value


class Net(Model):
    subtract: list[Rule] = Field(default_factory=list)
    evidence: Evidence


class Stage(Model):
    stage: Name
    owners: dict[Literal["marketing", "sales"], Annotated[Decimal, Field(ge=0, le=1)]] = Field(min_length=1)
    stuck_after_days: Decimal | None = Field(default=None, gt=0)

    @field_validator("owners")
    @classmethod
    def _shares_sum_to_one(cls, owners: dict[str, Decimal]) -> dict[str, Decimal]:
        total = sum(owners.values(), Decimal(0))
        if total != 1:
            raise ValueError(f"the owners' shares add up to {total} — they must add up to 1")
        return owners


class Route(Model):
    """A routing rule: the first whose `when` holds assigns to the rep in column `to`, or to a team."""

    when: Condition | None = None
    to: str | None = None
    team: str | None = None
    method: Literal["round_robin", "least_loaded"] | None = None

    @field_validator("to")
    @classmethod
    def _known_column(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else _column(value, info)

    @model_validator(mode="after")
    def _one_target(self) -> Route:
        if (self.to is None) == (self.team is None):
            raise ValueError("a routing rule has exactly one of to (a lead column holding a rep id) or team")
        if self.team is not None and self.method is None:
            raise ValueError("a routing rule to a team needs a method — round_robin or least_loaded")
        if self.to is not None and self.method is not None:
            raise ValueError("method applies only to a team — remove it, or route to a team")
        return self


class BusinessHours(Model):
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(min_length=1)
    start: time
    end: time

    @field_validator("days")
    @classmethod
    def _distinct_days(cls, days: list[str]) -> list[str]:
        if len(set(days)) != len(days):
            raise ValueError(
                "a day is listed twice — list each of mon, tue, wed, thu, fri, sat, sun at most once"
            )
        return days

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: time, info: ValidationInfo) -> time:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise ValueError(
                f"end {end:%H:%M} is not after start {start:%H:%M} — business hours end later the same day"
            )
        return end


class Sla(Model):
    respond_within_minutes: Whole = Field(gt=0)
    business_hours: BusinessHours | None = None
    outcome_within_days: Whole = Field(gt=0)


class OutcomeCode(Model):
    code: Name
    next: Literal["opportunity", "working", "nurture", "closed"]


class Investment(Model):
    include: list[Name] = Field(min_length=1)
    shared_costs: Literal["by_net_leads", "by_direct", "unallocated"] = "by_net_leads"


# The kinds of SPEC "Data in" (store/columns.py has their columns; the agreement does not import it).
SOURCE_KINDS = ("leads", "lead_events", "opportunities", "opportunity_stages", "costs")


class Source(Model):
    """Where the rows of one kind already live (`sources:`): an existing table or view, named as
    the database names it (`crm.contacts`, or on Spark also `parquet.`/lake/leads``), and which of
    its columns is each canonical column (`columns: {lead_id: contact_id}`); a canonical column
    not listed is read from the column of its own name, or is null when the source has none."""

    table: str = Field(min_length=1)
    columns: dict[str, Annotated[str, Field(min_length=1)]] = Field(default_factory=dict)
    _line: int = PrivateAttr(default=0)

    @property
    def line(self) -> int:
        return self._line


class Version(Model):
    """One version of the agreement. `calendar` is declared before `effective_from` so that the
    quarter check of effective_from can see it."""

    version: Whole = Field(ge=1)
    calendar: Calendar = Field(default_factory=Calendar)
    effective_from: date
    restatement: Restatement | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    default_margin: Decimal = Field(ge=0, le=1)
    sales_cycle_days: Whole = Field(default=90, gt=0)
    net: Net
    journey: list[Stage] = Field(min_length=2)
    routing: list[Route] = Field(default_factory=list)
    teams: dict[Name, Annotated[list[str], Field(min_length=1)]] = Field(default_factory=dict)
    sla: Sla
    outcome_codes: list[OutcomeCode] = Field(min_length=1)
    investment: Investment
    # Not a definition: where the data is read. The same in every version, and outside the hash.
    sources: dict[Literal["leads", "lead_events", "opportunities", "opportunity_stages", "costs"], Source] = Field(
        default_factory=dict)
    _line: int = PrivateAttr(default=0)

    @field_validator("sources", mode="before")
    @classmethod
    def _table_alone(cls, sources: object) -> object:
        """`leads: crm.contacts` is short for `leads: {table: crm.contacts}`."""
        if isinstance(sources, dict):
            return {kind: {"table": value} if isinstance(value, str) else value for kind, value in sources.items()}
        return sources

    @field_validator("effective_from")
    @classmethod
    def _quarter_start(cls, value: date, info: ValidationInfo) -> date:
        calendar = info.data.get("calendar")
        if calendar is not None and calendar.quarter_start(value) != value:
            kind = "fiscal quarter" if calendar.fiscal_year_start_month != 1 else "quarter"
            before = calendar.quarter_start(value)
            after = calendar.period_end(before, "quarter").toordinal() + 1
            raise ValueError(
                f"effective_from {value} is not the first day of a {kind} — use {before} or "
                f"{date.fromordinal(after)}"
            )
        return value

    @field_validator("journey")
    @classmethod
    def _stage_order(cls, stages: list[Stage]) -> list[Stage]:
        names = [s.stage for s in stages]
        fixed = list(FIXED_STAGES)
        if names[: len(fixed)] != fixed or names[-1] != "won" or len(set(names)) != len(names):
            raise ValueError(
                f"the stages are {', '.join(names)} — the journey is lead, net, issued, responded, "
                "opportunity, then any opportunity stages (each once), then won"
            )
        return stages

    @field_validator("outcome_codes")
    @classmethod
    def _small_distinct_set(cls, codes: list[OutcomeCode]) -> list[OutcomeCode]:
        if len(codes) > MAX_OUTCOME_CODES:
            raise ValueError(
                f"{len(codes)} outcome codes — at most {MAX_OUTCOME_CODES}: the set is small on purpose"
            )
        names = [c.code for c in codes]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"outcome code {', '.join(twice)} is listed twice — each code once")
        return codes

    @property
    def line(self) -> int:
        """The 1-based line where this version's document starts in the file."""
        return self._line

    @property
    def canonical_json(self) -> str:
        """The version's content as JSON with sorted keys and numbers written one way (0.40 and
        0.4, 1.0 and 1 are the same value), so that only a change of meaning changes the hash."""
        content = _canonical(self.model_dump(exclude={"sources"}))
        return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @property
    def hash(self) -> str:
        """sha256 of the canonical JSON: unchanged by comments, layout or key order."""
        return hashlib.sha256(self.canonical_json.encode()).hexdigest()

    @property
    def stages(self) -> list[str]:
        return [s.stage for s in self.journey]

    @property
    def outcome_code_names(self) -> list[str]:
        return [c.code for c in self.outcome_codes]


def _canonical(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Condition):
        return value.text
    return value
