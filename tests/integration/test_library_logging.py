"""`Volex()` used as a library leaves the application's logging alone (no handler, no level,
no log file); the CLI configures it: its log file in $VOLEX_HOME/logs, secrets masked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

LIBRARY = textwrap.dedent("""
    import json, logging
    root, own = logging.getLogger(), logging.getLogger("volex")
    before = [root.level, len(root.handlers), own.level, len(own.handlers)]
    from volex import Volex
    with Volex(offline=True) as app:
        app.halt(reason="library test")
        halted = app.halt_state().active
        logging.getLogger("volex.agents.test").warning("from inside volex")
        logging.getLogger("volex.agents.test").info("info from inside volex")
    after = [root.level, len(root.handlers), own.level, len(own.handlers)]
    print(json.dumps({"before": before, "after": after, "halted": halted}))
""")


def _run(argv: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOLEX_HOME": str(home), "VOLEX_KRAKEN_API_KEY": "kraken-key-abcdef123456"}
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, env=env,
                          timeout=120, check=False, cwd=home)


def test_a_library_volex_configures_no_logging(volex_home: Path) -> None:
    done = _run(["-c", LIBRARY], volex_home)
    assert done.returncode == 0, done.stderr[-800:]
    levels = json.loads(done.stdout.strip().splitlines()[-1])
    assert levels["after"] == levels["before"] == [30, 0, 0, 0]  # WARNING, no handlers
    assert not (volex_home / "logs").exists()
    assert "info from inside volex" not in done.stderr  # the root level was not lowered
    assert levels["halted"]  # and the library did its job


def test_the_cli_writes_its_log_file_with_secrets_masked(volex_home: Path) -> None:
    done = _run(["-m", "volex", "risk", "show", "--json"], volex_home)
    assert done.returncode == 0, done.stderr[-800:]
    log = (volex_home / "logs" / "volex.log").read_text()
    assert "Running upgrade" in log  # the store's first migration, logged at INFO
    assert "kraken-key-abcdef123456" not in log
