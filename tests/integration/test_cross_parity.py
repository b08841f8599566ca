"""The cross templates trade as backtesting.py's own crossover strategies do.

The reference is written the backtesting.py way, independently of Volex's targets: buy when
``backtesting.lib.crossover(fast, slow)``, close when ``crossover(slow, fast)``. It runs on
real series: backtesting.py's own GOOG (daily stock) and EURUSD (hourly forex) test data and
the bundled BTC/USDT daily candles. Every trade must enter and leave on the same bar at the
same price, and the final equity must agree within 0.01%.

backtesting.py buys whole units, so it runs as ``FractionalBacktest`` with a unit of 1e-8;
both engines act at the next bar's open and pay the same commission. Both close the last
trade at the last bar's open (the reference closes on the second-to-last bar, Volex's target
is flattened there), so the end of the data cannot blur the comparison.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import talib

CASH, FEE = 10_000.0, 0.001
SERIES = ["GOOG", "EURUSD", "BTC_USDT_1d"]
STRATEGIES = {"sma_cross": {"fast": 10, "slow": 30}, "ema_cross": {"fast": 12, "slow": 26},
              "macd_cross": {"fast": 12, "slow": 26, "signal": 9}}


def _series(name: str):
    """Candles as a backtesting.py frame (Open, High, Low, Close, Volume; naive UTC index)."""
    import pandas as pd

    if name in {"GOOG", "EURUSD"}:
        from backtesting import test

        return getattr(test, name).astype(float)
    from tests.conftest import candle_file
    from volex.adapters.market_data.files import read_candles_file

    frame = read_candles_file(candle_file(name))
    return pd.DataFrame({column.capitalize(): frame[column].to_numpy()
                         for column in ("open", "high", "low", "close", "volume")},
                        index=pd.DatetimeIndex(frame["timestamp"].dt.tz_localize(None)))


def _lines(strategy: str, close: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two lines each template crosses, computed as the reference computes them."""
    params = STRATEGIES[strategy]
    if strategy == "macd_cross":
        macd, signal, _ = talib.MACD(close, params["fast"], params["slow"], params["signal"])
        return macd, signal
    average = talib.SMA if strategy == "sma_cross" else talib.EMA
    return average(close, params["fast"]), average(close, params["slow"])


def _reference(data, strategy: str):
    from backtesting import Strategy
    from backtesting.lib import FractionalBacktest, crossover

    last = len(data) - 2

    class CrossReference(Strategy):
        def init(self) -> None:
            fast, slow = _lines(strategy, np.asarray(self.data.Close, dtype=float))
            self.fast = self.I(lambda: fast, name="fast")
            self.slow = self.I(lambda: slow, name="slow")

        def next(self) -> None:
            if len(self.data) - 1 >= last:
                if self.position:
                    self.position.close()
            elif crossover(self.fast, self.slow) and not self.position:
                self.buy()
            elif crossover(self.slow, self.fast) and self.position:
                self.position.close()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return FractionalBacktest(data, CrossReference, cash=CASH, commission=FEE,
                                  fractional_unit=1e-8, finalize_trades=True).run()


@pytest.mark.parametrize("series", SERIES)
@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_every_trade_and_the_final_equity_match_backtesting_py(series: str,
                                                               strategy: str) -> None:
    import pandas as pd

    from volex.backtest.engine import BacktestConfig, bars_from_frame, run_target
    from volex.strategies import get_strategy

    data = _series(series)
    candles = pd.DataFrame({"timestamp": data.index.tz_localize("UTC"),
                            **{c.lower(): data[c].to_numpy(float) for c in data.columns}})
    bars = bars_from_frame(candles)
    template = get_strategy(strategy)
    target = template.targets(bars, template.resolve(STRATEGIES[strategy]))
    target[-2:] = 0.0  # both close the last trade at the last bar's open
    equity, trades, metrics = run_target(bars, target, BacktestConfig(cash=CASH, fee=FEE))

    stats = _reference(data, strategy)
    peer = stats["_trades"].sort_values("EntryBar")
    assert metrics.trades >= 10, "the case must trade to prove anything"
    assert peer["EntryBar"].tolist() == trades.entry_bar.tolist()
    assert peer["ExitBar"].tolist() == trades.exit_bar.tolist()
    np.testing.assert_allclose(peer["EntryPrice"], trades.entry_price, rtol=1e-9)
    np.testing.assert_allclose(peer["ExitPrice"], trades.exit_price, rtol=1e-9)
    assert stats["Equity Final [$]"] == pytest.approx(equity[-1], rel=1e-4)
