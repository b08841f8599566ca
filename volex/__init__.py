"""Volex: a natural-language trading terminal for crypto.

``from volex import Volex`` gives the facade every front end calls. Importing this package
is cheap: the facade and its heavy dependencies load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Volex", "__version__"]

if TYPE_CHECKING:
    from volex.facade import Volex


def __getattr__(name: str) -> Any:
    if name == "Volex":
        from volex.facade import Volex

        return Volex
    raise AttributeError(name)
