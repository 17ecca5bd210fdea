"""Helpers of the per-app tables that call each write service as each wrong role (issue 22, item 3)."""

import inspect
from types import ModuleType


def services_taking_an_actor(module: ModuleType) -> set[str]:
    """The public functions defined in `module` with an `actor` parameter: its write services."""
    return {name for name, function in inspect.getmembers(module, inspect.isfunction)
            if function.__module__ == module.__name__ and not name.startswith("_")
            and "actor" in inspect.signature(function).parameters}
