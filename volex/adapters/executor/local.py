"""The local executor: a pool of this machine's processes (one per core by default)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["LocalPool"]


# Imported once by the fork server, so each worker starts with them loaded (not 1-2 s each).
_PRELOAD = ["volex.facade.cluster", "volex.backtest.service", "volex.backtest.optimize"]


class LocalPool:
    """concurrent.futures' process pool, started with forkserver (safe beside threads)."""

    def __init__(self, workers: int | None = None) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers or os.cpu_count() or 1
        self.where = f"{self.workers} local process(es)"
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        self._pool = ProcessPoolExecutor(self.workers, mp_context=context)

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> Iterator[Any]:
        futures = [self._pool.submit(fn, item) for item in items]
        for future in futures:
            yield future.result()

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
