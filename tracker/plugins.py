"""Find what the domain packages declare, without the core keeping a list of them.

A domain package answers a registry by holding a module of an agreed name: ``jobs.py``
registers scheduled jobs (:mod:`tracker.jobs.registry`), ``facts.py`` declares the facts
it records about a child (:mod:`tracker.tracking.registry`). :func:`discover` imports that
module from every package of ``tracker`` that has one, so a new domain is found without
editing the core.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

PACKAGE_DIR = Path(__file__).resolve().parent


def discover(module: str) -> list[ModuleType]:
    """Import ``tracker.<package>.<module>`` for every package that has one (in name
    order; importing twice is harmless) and return those modules."""
    found = []
    for entry in sorted(PACKAGE_DIR.iterdir()):
        if entry.is_dir() and (entry / f"{module}.py").is_file():
            found.append(importlib.import_module(f"tracker.{entry.name}.{module}"))
    return found
