"""TA-Lib, imported without pandas when pandas is not loaded yet.

TA-Lib's package imports pandas (and its extension module does too) only so that its
functions accept a ``pandas.Series``. Volex always hands TA-Lib numpy arrays, so a process
that has no other use for pandas (``volex backtest --data FILE`` on a CSV file) need not pay
the 0.3 s pandas import for it. When pandas is already loaded, or TA-Lib was imported first
by someone else, this is a plain ``import talib``. Either way the functions behave the same
on numpy input.
"""

from __future__ import annotations

import sys
import threading
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from typing import Any

__all__ = ["talib"]


class _WithoutPandas(MetaPathFinder):
    """Tells this thread, and only this one, that pandas is not installed.

    Another thread importing pandas meanwhile is not affected (a ``None`` entry in
    ``sys.modules`` would make its import fail).
    """

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name.partition(".")[0] == "pandas" and threading.get_ident() == self.thread:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def _import_talib() -> Any:
    if "talib" in sys.modules or "pandas" in sys.modules:
        import talib

        return talib
    finder = _WithoutPandas()
    sys.meta_path.insert(0, finder)
    try:
        import talib
    finally:
        sys.meta_path.remove(finder)
    return talib


talib = _import_talib()
