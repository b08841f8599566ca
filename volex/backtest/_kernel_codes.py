"""Exit reason codes shared by the numba kernel and the numpy path (index EXIT_REASONS)."""

from __future__ import annotations

__all__ = ["EXIT_END", "EXIT_SIGNAL", "EXIT_STOP", "EXIT_TARGET"]

EXIT_SIGNAL, EXIT_STOP, EXIT_TARGET, EXIT_END = 0, 1, 2, 3
