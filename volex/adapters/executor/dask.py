"""The Dask executor: pieces of work go to a distributed cluster's workers.

Thin on purpose: the scheduler spreads the pieces, and when a worker dies its pieces are
run again on another (Dask's own bookkeeping); we only submit, gather in order, and turn
Dask's errors into Volex errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from volex.errors import NetworkError

__all__ = ["DaskCluster"]


class DaskCluster:
    """A client of the Dask scheduler at ``address``."""

    def __init__(self, address: str, timeout_s: float = 10.0) -> None:
        from distributed import Client

        self.where = f"Dask cluster {address}"
        try:
            self._client = Client(address, timeout=f"{timeout_s}s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise NetworkError(f"no Dask scheduler answers at {address} ({type(exc).__name__})"
                               ) from None

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> Iterator[Any]:
        # pure=False: two equal items are still two pieces of work (never deduplicated away).
        futures = self._client.map(fn, items, pure=False)
        try:
            for future in futures:
                yield future.result()
        except (OSError, TimeoutError) as exc:
            raise NetworkError(f"{self.where} lost ({type(exc).__name__})") from None
        finally:
            self._client.cancel([f for f in futures if not f.done()])

    def close(self) -> None:
        self._client.close()
