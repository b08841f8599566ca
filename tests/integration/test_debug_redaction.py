"""`--debug` tracebacks go through the same redaction as every other output.

The venue refuses the key and repeats it in its error (`-2015 Invalid API-key ...
apikey=...`); the adapter's VolexError chains ccxt's exception, whose message holds the key.
The traceback `--debug` prints, every chained exception included, shows *** instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.integration.test_live_cli import configure
from tests.support.binance_sim import BinanceSim

REFUSED_KEY = "AKleaktestREFUSEDkey0123456789abcdef"


@pytest.fixture
def venue_refusing_the_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[BinanceSim]:
    with BinanceSim(balances={"USDT": "10000"}) as venue:
        venue.echo_key = True
        configure(("trading.mode", '"live"'), ("exchanges.binance.api_base", venue.url),
                  ("exchanges.binance.rate_limit", "false"),
                  ("exchanges.binance.options", '{fetchMarkets = {types = ["spot"]}}'),
                  ("network_timeout_s", "2"))
        monkeypatch.setenv("VOLEX_BINANCE_API_KEY", REFUSED_KEY)
        monkeypatch.setenv("VOLEX_BINANCE_SECRET", "LEAKTEST-secret-not-registered-at-the-venue")
        yield venue


def test_a_debug_traceback_hides_a_key_the_venue_repeats(venue_refusing_the_key: BinanceSim) -> None:
    done = subprocess.run([sys.executable, "-m", "volex", "--debug", "balance", "--live"],
                          env=dict(os.environ), capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode != 0
    assert "Traceback" in done.stderr and "-2015" in done.stderr
    assert "apikey=***" in done.stderr
    assert REFUSED_KEY not in done.stdout + done.stderr
