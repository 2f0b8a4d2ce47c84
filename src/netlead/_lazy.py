"""Modules imported on first use. SQLGlot builds and transpiles SQL for the import, the facts and
the other engines, but a metric command on DuckDB runs its SQL files as written and needs none of
it: importing it (0.05-0.15 s) would be most of what such a command pays before its query.

`from netlead._lazy import exp, sqlglot` gives names that behave as `from sqlglot import exp` and
`import sqlglot` do once anything is looked up on them."""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for the module `name`, imported when one of its attributes is first looked up."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(importlib.import_module(self._name), attribute)
        setattr(self, attribute, value)  # found directly next time
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


sqlglot = LazyModule("sqlglot")
exp = LazyModule("sqlglot.expressions")
