"""What the benchmark scripts share: median wall and CPU time of a warm call."""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["median_times", "volex_command"]


def volex_command() -> str:
    """The `volex` script installed with the interpreter running the benchmark.

    Not the first `volex` on PATH: a version manager's shim there (pyenv's is a bash script
    that runs `pyenv exec`) adds about 60 ms to every start, which is the shim's, not ours.
    """
    beside = Path(sys.executable).with_name("volex")
    if beside.exists():
        return str(beside)
    return shutil.which("volex") or sys.exit("volex is not installed: pip install -e .")


def median_times(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU time (seconds) of ``repeat`` calls after one warm-up call.

    Both matter: on a machine shared with other work, wall time includes waiting for a core;
    CPU time (this process only) is what the call itself costs.
    """
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)
