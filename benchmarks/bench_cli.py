"""Process wall time of `volex --help` and `volex analyze BTC/USDT --offline`.

Baseline in the same run: `python -c "import typer"` (about 90 ms on an idle machine of the
kind this runs on). Goals: --help within 3x of the baseline; offline analyze under 0.8 s on an
idle machine, i.e. under 9x the baseline (the ratio is what stays comparable on a busy one).
Each figure is the median of several fresh processes, with a private VOLEX_HOME (the first
analyze run, which creates the database, is reported too), each run paired with a baseline
run just before it and the ratio taken pair by pair; CPU time (user + system) is shown next to
the wall time because on a shared machine the wall time includes waiting for a core.
Measured 2026-12-06 on an idle 2-core machine: --help about 2.2x; offline analyze 0.52-0.62 s,
about 6-7x (it imports neither pandas nor SQLAlchemy: the sample goes from pyarrow to numpy,
and the empty candle cache and news store are asked through sqlite3).

    python benchmarks/bench_cli.py
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from timing import volex_command  # benchmarks/timing.py

RUNS = 7
BASELINE = [sys.executable, "-c", "import typer"]


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _wall(args: list[str], env: dict[str, str]) -> float:
    return _run(args, env)[0]


def _paired(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Median wall and CPU seconds of ``args``, and the median ratio of its wall time to a
    run of the baseline just before it (a machine whose speed drifts moves both)."""
    pairs = [(_run(BASELINE, env), _run(args, env)) for _ in range(RUNS)]
    med = statistics.median
    return (med(r[0] for _, r in pairs), med(r[1] for _, r in pairs),
            med(r[0] / b[0] for b, r in pairs))


def main() -> None:
    home = tempfile.mkdtemp(prefix="volex-bench-")
    env = {**os.environ, "VOLEX_HOME": home}
    # An installed package has its bytecode compiled; PYTHONDONTWRITEBYTECODE (set on some
    # dev machines) would make every run recompile Volex's modules.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    volex = volex_command()
    try:
        baseline = statistics.median(_run(BASELINE, env)[0] for _ in range(RUNS))
        help_time, _, help_ratio = _paired([volex, "--help"], env)
        first = _wall([volex, "analyze", "BTC/USDT", "--offline"], env)
        analyze, analyze_cpu, analyze_ratio = _paired([volex, "analyze", "BTC/USDT", "--offline"],
                                                      env)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f'python -c "import typer"              {baseline * 1000:7.0f} ms  (baseline)')
    print(f"volex --help                          {help_time * 1000:7.0f} ms  "
          f"({help_ratio:.2f}x baseline; goal < 3x)")
    print(f"volex analyze BTC/USDT --offline      {analyze * 1000:7.0f} ms  "
          f"= {analyze_ratio:.1f}x baseline (goal < 0.8 s idle, < 9x; CPU "
          f"{analyze_cpu * 1000:.0f} ms; first run, creating the store: {first * 1000:.0f} ms)")
    print(f"  (load average when done: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
