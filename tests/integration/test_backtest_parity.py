"""Parity with backtesting.py: same trades, same bars, same final equity (within 0.01%).

backtesting.py trades whole units only, so it runs as ``FractionalBacktest`` with a unit of
one satoshi (1e-8 BTC): prices are scaled up to satoshi units internally and each order is
rounded down to a whole satoshi, which moves equity by far less than 0.01%. Both engines
see the same target array, act at the next bar's open, and pay the same commission on
entry and exit. The target is flattened on the second-to-last bar so that both engines
close the last trade by the same rule (at the last bar's open).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tests.conftest import candle_file

CASES = [
    ("BTC_USDT_1d", "sma_cross", {"fast": 10, "slow": 30}),
    ("BTC_USDT_1d", "breakout", {"entry": 20, "exit": 10}),
    ("BTC_USDT_2h", "ema_cross", {"fast": 20, "slow": 60}),
    ("ETH_USDT_2h", "macd_cross", {"fast": 12, "slow": 26, "signal": 9}),
    ("DOGE_USDT_2h", "rsi_reversion", {"period": 14, "lower": 35, "upper": 65}),
]


def _candles(name: str):
    from volex.adapters.market_data.files import read_candles_file

    return read_candles_file(candle_file(name))


def _peer_run(candles, target: np.ndarray, cash: float, fee: float):
    import pandas as pd
    from backtesting import Strategy
    from backtesting.lib import FractionalBacktest

    class FollowTarget(Strategy):
        def init(self) -> None:
            self.target = self.I(lambda: target.astype(float), name="target")

        def next(self) -> None:
            want = self.target[-1]
            if want > 0 and not self.position:
                self.buy()
            elif want <= 0 and self.position:
                self.position.close()

    data = pd.DataFrame({
        "Open": candles["open"].to_numpy(), "High": candles["high"].to_numpy(),
        "Low": candles["low"].to_numpy(), "Close": candles["close"].to_numpy(),
        "Volume": candles["volume"].to_numpy(),
    }, index=pd.DatetimeIndex(candles["timestamp"].dt.tz_localize(None)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = FractionalBacktest(data, FollowTarget, cash=cash, commission=fee,
                                  fractional_unit=1e-8, finalize_trades=True)
        return peer.run()


@pytest.mark.parametrize(("file", "strategy_name", "params"), CASES)
def test_same_trades_and_final_equity_as_backtesting_py(file: str, strategy_name: str,
                                                        params: dict) -> None:
    from volex.backtest.engine import BacktestConfig, bars_from_frame, run_target
    from volex.strategies import get_strategy

    candles = _candles(file)
    bars = bars_from_frame(candles)
    strategy = get_strategy(strategy_name)
    target = np.asarray(strategy.generate(bars, strategy.resolve(params)), dtype=float)
    target[0] = 0.0  # backtesting.py starts calling next() on the second bar
    target[-2:] = 0.0
    cash, fee = 10_000.0, 0.001

    equity, trades, metrics = run_target(bars, target, BacktestConfig(cash=cash, fee=fee))
    stats = _peer_run(candles, target, cash, fee)
    peer = stats["_trades"]

    assert metrics.trades >= 5, "the case must trade to prove anything"
    assert len(peer) == metrics.trades
    assert peer["EntryBar"].tolist() == trades.entry_bar.tolist()
    assert peer["ExitBar"].tolist() == trades.exit_bar.tolist()
    np.testing.assert_allclose(peer["EntryPrice"], trades.entry_price, rtol=1e-9)
    np.testing.assert_allclose(peer["ExitPrice"], trades.exit_price, rtol=1e-9)
    assert stats["Equity Final [$]"] == pytest.approx(equity[-1], rel=1e-4)
