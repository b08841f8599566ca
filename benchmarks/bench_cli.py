"""Process wall time of `volex --help` and `volex analyze BTC/USDT --offline`.

Baseline in the same run: `python -c "import typer"` (about 90 ms on an idle machine of the
kind this runs on). Goals: --help within 3x of the baseline; offline analyze under 0.8 s on an
idle machine, i.e. under 9x the baseline (the ratio is what stays comparable on a busy one).
Each figure is the median of several fresh processes, with a private VOLEX_HOME (the first
analyze run, which creates the database, is reported too); CPU time (user + system) is shown
next to the wall time because on a shared machine the wall time includes waiting for a core.

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

RUNS = 7


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


def _median(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    runs = [_run(args, env) for _ in range(RUNS)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> None:
    home = tempfile.mkdtemp(prefix="volex-bench-")
    env = {**os.environ, "VOLEX_HOME": home}
    volex = shutil.which("volex") or sys.exit("volex is not installed: pip install -e .")
    try:
        baseline, base_cpu = _median([sys.executable, "-c", "import typer"], env)
        help_time, _ = _median([volex, "--help"], env)
        first = _wall([volex, "analyze", "BTC/USDT", "--offline"], env)
        analyze, analyze_cpu = _median([volex, "analyze", "BTC/USDT", "--offline"], env)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f'python -c "import typer"              {baseline * 1000:7.0f} ms  (baseline; '
          f"CPU {base_cpu * 1000:.0f} ms)")
    print(f"volex --help                          {help_time * 1000:7.0f} ms  "
          f"({help_time / baseline:.2f}x baseline; goal < 3x)")
    print(f"volex analyze BTC/USDT --offline      {analyze * 1000:7.0f} ms  "
          f"= {analyze / baseline:.1f}x baseline (goal < 0.8 s idle, < 9x; CPU "
          f"{analyze_cpu * 1000:.0f} ms = {analyze_cpu / base_cpu:.1f}x; first run, creating the "
          f"store: {first * 1000:.0f} ms)")
    print(f"  (load average when done: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
