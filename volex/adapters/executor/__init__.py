"""Executors: where heavy work runs. A local process pool, or a Dask distributed cluster.

``build_executor("local")`` (or ``"local:4"``) is a pool of this machine's processes;
``build_executor("tcp://HOST:8786")`` is the Dask scheduler at that address (start one with
`dask scheduler`, and `dask worker tcp://HOST:8786` on any machines).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from volex.errors import UserInputError

if TYPE_CHECKING:
    from volex.ports import Executor

__all__ = ["build_executor"]

_LOCAL = re.compile(r"^local(?::(\d{1,3}))?$")
_ADDRESS = re.compile(r"^(tcp|tls)://[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")


def build_executor(where: str) -> Executor:
    """The executor ``where`` names: ``local[:WORKERS]`` or a Dask scheduler address."""
    local = _LOCAL.match(where.strip())
    if local:
        from volex.adapters.executor.local import LocalPool

        return LocalPool(int(local.group(1)) if local.group(1) else None)
    if _ADDRESS.match(where.strip()):
        from volex.adapters.executor.dask import DaskCluster

        return DaskCluster(where.strip())
    raise UserInputError(f"--cluster {where!r}: say local, local:N or a Dask scheduler address "
                         "such as tcp://10.0.0.5:8786")
