"""The metrics of METRICS.md, computed in the database from the canonical tables and the derived
facts that `refresh` keeps (lead_facts, cost_facts).

Each function is imported from its module on first use: a command computes one metric, and the
others' modules (with the SQLGlot some of them build SQL with) would only add to its start-up.
The package's attribute of that name is the function, as `from netlead.metrics import cohorts`
has always given, even after its module `netlead.metrics.cohorts` has been imported (which
would otherwise set the attribute to the module)."""

import importlib
import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netlead.metrics.cohorts import cohorts, development
    from netlead.metrics.convert_time import convert_time, convert_time_curve
    from netlead.metrics.cpnsli import cpnsli
    from netlead.metrics.decay import decay
    from netlead.metrics.explain import lead
    from netlead.metrics.facts import refresh
    from netlead.metrics.journey import journey
    from netlead.metrics.projected import projected
    from netlead.metrics.response import response
    from netlead.metrics.scorecard import scorecard
    from netlead.metrics.stuck import stuck
    from netlead.metrics.waterfall import waterfall
    from netlead.metrics.whatif import levers, whatif

# Each function and the module that defines it.
_MODULES = {
    "cohorts": "cohorts",
    "convert_time": "convert_time",
    "convert_time_curve": "convert_time",
    "cpnsli": "cpnsli",
    "decay": "decay",
    "development": "cohorts",
    "journey": "journey",
    "lead": "explain",
    "levers": "whatif",
    "projected": "projected",
    "refresh": "facts",
    "response": "response",
    "scorecard": "scorecard",
    "stuck": "stuck",
    "waterfall": "waterfall",
    "whatif": "whatif",
}
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
    "waterfall",
    "whatif",
]


def __getattr__(name: str):
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'netlead.metrics' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """Importing a submodule sets the package's attribute of its name to it: not for the
    functions above, whose names their modules share."""

    def __setattr__(self, name, value):
        if name in _MODULES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
