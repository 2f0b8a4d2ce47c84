"""netlead.yaml: the agreement between marketing, sales and finance (SPEC "The agreement file").

`load(path, attributes=None)` reads and checks it (every problem, with its line); `Agreement`
holds its versions (`version_on(d)` is METRICS T4); `Condition.sql()` compiles a rule's condition
for DuckDB; `Calendar` places dates in periods (T1-T3); `template(today)` is what `netlead init`
writes.
"""

from .calendar import Calendar, Period
from .conditions import CANONICAL_COLUMNS, Condition, ConditionError
from .loader import load, loads
from .models import Rule, Version
from .template import template
from .versions import Agreement

__all__ = [
    "CANONICAL_COLUMNS",
    "Agreement",
    "Calendar",
    "Condition",
    "ConditionError",
    "Period",
    "Rule",
    "Version",
    "load",
    "loads",
    "template",
]
