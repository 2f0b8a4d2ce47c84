"""The metrics of METRICS.md, computed in the database from the canonical tables and the derived
facts that `refresh` keeps (lead_facts, cost_facts)."""

from netlead.metrics.cohorts import cohorts, development
from netlead.metrics.cpnsli import cpnsli
from netlead.metrics.decay import decay
from netlead.metrics.explain import lead
from netlead.metrics.facts import refresh
from netlead.metrics.response import response
from netlead.metrics.scorecard import scorecard
from netlead.metrics.waterfall import waterfall

__all__ = [
    "cohorts",
    "cpnsli",
    "decay",
    "development",
    "lead",
    "refresh",
    "response",
    "scorecard",
    "waterfall",
]
