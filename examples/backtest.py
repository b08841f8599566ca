"""Backtest, optimise and walk-forward a strategy through the Python API.

    python examples/backtest.py            # the bundled BTC/USDT 2h sample, no network
"""

from __future__ import annotations

from volex import Volex


def main() -> None:
    with Volex(offline=True) as volex:
        for run in volex.backtest("sma_cross", ["BTC/USDT"], timeframe="2h", days=365,
                                  params={"fast": 20, "slow": 100}, stop_loss_pct=8):
            m = run.result.metrics
            print(f"sma_cross 20/100 on {run.result.symbol}: return {m.total_return:+.1%}, "
                  f"Sharpe {m.sharpe:.2f}, max drawdown {m.max_drawdown:.1%}, "
                  f"{m.trades} trades (buy & hold {m.buy_and_hold:+.1%})")

        search = volex.optimize("ema_cross", "BTC/USDT", timeframe="2h", days=3 * 365,
                                method="bayes", trials=60, objective="sharpe",
                                walk_forward=4)
        best = search.result.best
        print(f"best ema_cross on the whole period: {best.params} (Sharpe {best.value:.2f})")
        wf = search.walk_forward
        print(f"walk-forward, out of sample: Sharpe {wf.out_of_sample.metrics.sharpe:.2f} "
              f"vs {wf.in_sample.sharpe:.2f} in sample")
        for fold in wf.folds:
            print(f"  fold {fold.number + 1}: {fold.params}  in {fold.in_sample:.2f}  "
                  f"out {fold.out_of_sample:.2f}")


if __name__ == "__main__":
    main()
