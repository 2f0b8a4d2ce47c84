"""The metrics of METRICS.md, computed in the database from the canonical tables and the derived
facts that `refresh` keeps (lead_facts, cost_facts)."""

from netlead.metrics.cpnsli import cpnsli
from netlead.metrics.explain import lead
from netlead.metrics.facts import refresh
from netlead.metrics.waterfall import waterfall

__all__ = ["cpnsli", "lead", "refresh", "waterfall"]
