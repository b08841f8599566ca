"""Process wall time of `volex halt --yes`: from the command to the halt state being stored.

Two figures per run, medians of several fresh processes with a private VOLEX_HOME and no
network (VOLEX_OFFLINE): "stored" is the time from launching the process to the moment
the halt record is written (its audit timestamp), "process" the whole command including
cancelling open orders and exiting. An open limit order is placed before each halt so the
cancel path is exercised; the store is created before timing. Goal: stored in under 3x the
time of `python -c "import typer"` measured in the same run (the halt is written through
sqlite3 before SQLAlchemy, the settings machinery, pandas or the venue load).

    python benchmarks/bench_halt.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from timing import volex_command  # benchmarks/timing.py

RUNS = 7


def _run(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _halt_once(volex: str, env: dict[str, str]) -> tuple[float, float]:
    """(launch -> state stored, launch -> process exit), in seconds."""
    from volex import Volex

    subprocess.run([volex, "resume", "--yes"], env=env, check=True, capture_output=True)
    subprocess.run([volex, "buy", "BTC/USDT", "--quote", "50", "--limit", "1000", "--yes"],
                   env=env, check=True, capture_output=True)
    launched = time.time()
    total = _run([volex, "halt", "--yes", "--reason", "bench"], env)
    with Volex(offline=True) as app:
        stored = next(r for r in reversed(app.audit()) if r.action == "halt").at.timestamp()
    return stored - launched, total


def main() -> None:
    home = tempfile.mkdtemp(prefix="volex-bench-")
    os.environ.update(VOLEX_HOME=home, VOLEX_OFFLINE="true")
    env = dict(os.environ)
    # An installed package has its bytecode compiled; PYTHONDONTWRITEBYTECODE (set on some
    # dev machines) would make every run recompile Volex's modules.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    volex = volex_command()
    try:
        subprocess.run([volex, "risk", "show"], env=env, check=True, capture_output=True)
        # each halt paired with a baseline run just before it: a machine whose speed drifts
        # moves both, and the ratio is taken pair by pair
        pairs = [(_run([sys.executable, "-c", "import typer"], env), _halt_once(volex, env))
                 for _ in range(RUNS)]
    finally:
        shutil.rmtree(home, ignore_errors=True)
    baseline = statistics.median(b for b, _ in pairs)
    runs = [r for _, r in pairs]
    stored = statistics.median(r[0] for r in runs)
    total = statistics.median(r[1] for r in runs)
    ratio = statistics.median(r[0] / b for b, r in pairs)
    print(f'python -c "import typer"        {baseline * 1000:7.0f} ms  (baseline)')
    print(f"volex halt --yes: state stored  {stored * 1000:7.0f} ms  = {ratio:.2f}x "
          f"the baseline, median of {RUNS} pairs (goal < 3x; max "
          f"{max(r[0] for r in runs) * 1000:.0f} ms)")
    print(f"volex halt --yes: whole process {total * 1000:7.0f} ms  (includes cancelling one "
          "open order)")


if __name__ == "__main__":
    main()
