"""The metrics of METRICS.md, computed in the database from the canonical tables and the derived
tables that `update` keeps after every import and `refresh` rebuilds (derived.py).

The modules build SQL with SQLGlot only through `netlead._lazy`, so importing them all costs a
metric command a few milliseconds and no SQLGlot."""

from netlead.metrics.cohorts import cohorts, development
from netlead.metrics.convert_time import convert_time, convert_time_curve
from netlead.metrics.cpnsli import cpnsli
from netlead.metrics.decay import decay
from netlead.metrics.derived import refresh, update
from netlead.metrics.explain import lead
from netlead.metrics.journey import journey
from netlead.metrics.projected import projected
from netlead.metrics.response import response
from netlead.metrics.scorecard import scorecard
from netlead.metrics.stuck import stuck
from netlead.metrics.waterfall import waterfall
from netlead.metrics.whatif import levers, whatif

__all__ = [
    "cohorts",
    "convert_time",
    "convert_time_curve",
    "cpnsli",
    "decay",
    "development",
    "journey",
    "lead",
    "levers",
    "projected",
    "refresh",
    "response",
    "scorecard",
    "stuck",
    "update",
    "waterfall",
    "whatif",
]
