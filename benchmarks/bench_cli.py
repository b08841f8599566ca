"""Process wall time of `volex --help` and `volex analyze BTC/USDT --offline`.

Baseline in the same run: `python -c "import typer"`. Goals: --help within 3x of the
baseline; offline analyze under 1.5 s. Each figure is the median of several fresh processes,
with a private VOLEX_HOME (the first analyze run, which creates the database, is reported too).

    python benchmarks/bench_cli.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 7


def _wall(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _median(args: list[str], env: dict[str, str]) -> float:
    return statistics.median(_wall(args, env) for _ in range(RUNS))


def main() -> None:
    home = tempfile.mkdtemp(prefix="volex-bench-")
    env = {**os.environ, "VOLEX_HOME": home}
    volex = shutil.which("volex") or sys.exit("volex is not installed: pip install -e .")
    try:
        baseline = _median([sys.executable, "-c", "import typer"], env)
        help_time = _median([volex, "--help"], env)
        first = _wall([volex, "analyze", "BTC/USDT", "--offline"], env)
        analyze = _median([volex, "analyze", "BTC/USDT", "--offline"], env)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f'python -c "import typer"              {baseline * 1000:7.0f} ms  (baseline)')
    print(f"volex --help                          {help_time * 1000:7.0f} ms  "
          f"({help_time / baseline:.2f}x baseline; goal < 3x)")
    print(f"volex analyze BTC/USDT --offline      {analyze * 1000:7.0f} ms  (goal < 1500 ms; "
          f"first run, creating the store: {first * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
