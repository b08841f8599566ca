"""Analyse a few symbols through the Python API and print the verdicts.

    python examples/analyze.py            # live data when an exchange is reachable
    python examples/analyze.py --offline  # cache or bundled sample only
"""

from __future__ import annotations

import sys

from volex import Volex


def main() -> None:
    offline = "--offline" in sys.argv
    with Volex(offline=offline) as volex:
        for symbol, timeframe in [("BTC/USDT", "1d"), ("ETH/USDT", "2h"), ("DOGE/USDT", "2h")]:
            result = volex.analyze(symbol, timeframe)
            v = result.verdict
            print(f"{result.symbol:10} {timeframe:3} close {result.last_close:>12,.4f}  "
                  f"{v.action.upper():4} {v.score:+.2f}  ({result.source.describe()})")
            for reason in v.reasons:
                print(f"    - {reason}")


if __name__ == "__main__":
    main()
