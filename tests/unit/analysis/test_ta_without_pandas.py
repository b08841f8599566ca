"""TA-Lib imported without pandas (what a `volex backtest --data` process does) computes every
indicator, feature and strategy exactly as TA-Lib with its pandas wrappers.

TA-Lib's functions refuse a ``pandas.Series`` when imported that way, so this also proves that
no Volex path hands TA-Lib anything but numpy arrays.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from tests.conftest import candle_file

COMPUTE = """
import sys
import numpy as np
if sys.argv[3] == "with-pandas":
    import pandas  # TA-Lib then wraps its functions for pandas input
from volex.analysis.ta import talib
assert ("pandas" in sys.modules) == (sys.argv[3] == "with-pandas")
from volex.adapters.market_data.files import read_candle_columns
from volex.analysis.indicators import compute_indicators
from volex.backtest.portfolio import _atr
from volex.ml.features import feature_matrix
from volex.strategies.templates import TEMPLATES

bars = read_candle_columns(sys.argv[1])
out = {"features": feature_matrix(bars, "1d"), "atr": _atr(bars, 14)}
out.update({f"indicator.{k}": np.asarray(v, dtype=float)
            for k, v in compute_indicators(bars).items()})
for cls in TEMPLATES:
    strategy = cls()
    out[f"strategy.{strategy.name}"] = strategy.targets(bars, strategy.resolve({}))
np.savez(sys.argv[2], **out)
print("PANDAS", "pandas" in sys.modules, "WRAPPED", hasattr(talib.SMA, "__wrapped__"))
"""


def _compute(tmp_path: Path, mode: str) -> tuple[str, dict[str, np.ndarray]]:
    saved = tmp_path / f"{mode}.npz"
    run = subprocess.run([sys.executable, "-c", COMPUTE, str(candle_file("BTC_USDT_1d")),
                          str(saved), mode], check=False, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    with np.load(saved) as arrays:
        return run.stdout.strip(), dict(arrays)


def test_every_talib_path_gives_the_same_numbers_without_pandas(tmp_path: Path) -> None:
    lean_says, lean = _compute(tmp_path, "without-pandas")
    full_says, full = _compute(tmp_path, "with-pandas")
    assert lean_says == "PANDAS False WRAPPED False"  # the whole computation ran without pandas
    assert full_says == "PANDAS True WRAPPED True"
    assert sorted(lean) == sorted(full) and len(lean) > 20
    for key in full:
        np.testing.assert_array_equal(lean[key], full[key], err_msg=key)
