"""The table the parser is held to: (text, the fields it must produce). Also the benchmark's input.

Each row lists only the fields that matter for it; every other field must be its default
unless the row says so (see ``test_corpus.py``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["CORPUS", "ERRORS", "SEQUENCES", "UNKNOWN"]

BTC, ETH, SOL, DOGE = "BTC/USDT", "ETH/USDT", "SOL/USDT", "DOGE/USDT"


def _trade(side: str | None, symbols: list[str], **more: Any) -> dict[str, Any]:
    return {"intent": "trade", "side": side, "symbols": symbols, **more}


CORPUS: list[tuple[str, dict[str, Any]]] = [
    # --- analyze -------------------------------------------------------------------------
    ("analyze BTC", {"intent": "analyze", "symbols": [BTC]}),
    ("analyse btc", {"intent": "analyze", "symbols": [BTC]}),
    ("Analyze BTCUSD", {"intent": "analyze", "symbols": ["BTC/USD"]}),
    ("please analyze bitcoin", {"intent": "analyze", "symbols": [BTC]}),
    ("can you analyse ethereum for me?", {"intent": "analyze", "symbols": [ETH]}),
    ("analysis of sol", {"intent": "analyze", "symbols": [SOL]}),
    (
        "how is bitcoin looking on the 4 hour chart",
        {"intent": "analyze", "symbols": [BTC], "timeframe": "4h"},
    ),
    ("how's eth doing today", {"intent": "analyze", "symbols": [ETH]}),
    ("what do you think of dogecoin", {"intent": "analyze", "symbols": [DOGE]}),
    (
        "look at ETH/BTC on the daily",
        {"intent": "analyze", "symbols": ["ETH/BTC"], "timeframe": "1d"},
    ),
    ("check solana hourly", {"intent": "analyze", "symbols": [SOL], "timeframe": "1h"}),
    ("analyze btc-usdt 15m", {"intent": "analyze", "symbols": [BTC], "timeframe": "15m"}),
    ("analyze SOLUSDT 30M", {"intent": "analyze", "symbols": [SOL], "timeframe": "30m"}),
    ("analyze ripple weekly", {"intent": "analyze", "symbols": ["XRP/USDT"], "timeframe": "1w"}),
    ("analyze cardano and polkadot", {"intent": "analyze", "symbols": ["ADA/USDT", "DOT/USDT"]}),
    ("analyze btc, eth and sol", {"intent": "analyze", "symbols": [BTC, ETH, SOL]}),
    ("technical analysis on chainlink", {"intent": "analyze", "symbols": ["LINK/USDT"]}),
    (
        "outlook for avalanche on the 1h",
        {"intent": "analyze", "symbols": ["AVAX/USDT"], "timeframe": "1h"},
    ),
    ("litecoin price", {"intent": "analyze", "symbols": ["LTC/USDT"]}),
    ("BTC", {"intent": "analyze", "symbols": [BTC]}),
    ("btc?", {"intent": "analyze", "symbols": [BTC]}),
    ("ETHBTC", {"intent": "analyze", "symbols": ["ETH/BTC"]}),
    ("anaylze bitcoin", {"intent": "analyze", "symbols": [BTC]}),
    ("analyze etherium", {"intent": "analyze", "symbols": [ETH]}),
    ("ANALYZE BTC ON THE 4H", {"intent": "analyze", "symbols": [BTC], "timeframe": "4h"}),
    ("analyze btc 2 hour candles", {"intent": "analyze", "symbols": [BTC], "timeframe": "2h"}),
    ("analyze eth 12h", {"intent": "analyze", "symbols": [ETH], "timeframe": "12h"}),
    (
        "analyze btc on the 6 hour timeframe",
        {"intent": "analyze", "symbols": [BTC], "timeframe": "6h"},
    ),
    ("analyze btc 5 min chart", {"intent": "analyze", "symbols": [BTC], "timeframe": "5m"}),
    ("analyze bnb", {"intent": "analyze", "symbols": ["BNB/USDT"]}),
    ("analyze shiba inu", {"intent": "analyze", "symbols": ["SHIB/USDT"]}),
    ("analyze bitcoin cash", {"intent": "analyze", "symbols": ["BCH/USDT"]}),
    ("analyze DOT", {"intent": "analyze", "symbols": ["DOT/USDT"]}),
    ("analyze link", {"intent": "analyze", "symbols": ["LINK/USDT"]}),
    (
        "analyze btc over the last 90 days",
        {"intent": "analyze", "symbols": [BTC], "lookback_days": 90},
    ),
    ("analyze xbt/eur", {"intent": "analyze", "symbols": ["BTC/EUR"]}),
    # --- signals -------------------------------------------------------------------------
    ("signals", {"intent": "signals"}),
    ("any signals?", {"intent": "signals"}),
    ("show me signals for btc", {"intent": "signals", "symbols": [BTC]}),
    ("give me trade signals on eth and sol", {"intent": "signals", "symbols": [ETH, SOL]}),
    ("should i buy bitcoin?", {"intent": "signals", "symbols": [BTC]}),
    ("should I sell my ETH", {"intent": "signals", "symbols": [ETH]}),
    ("buy or sell doge?", {"intent": "signals", "symbols": [DOGE]}),
    ("what should i trade today", {"intent": "signals"}),
    ("any trade ideas", {"intent": "signals"}),
    ("scan the market for opportunities", {"intent": "signals"}),
    ("signal for btc on the 4h", {"intent": "signals", "symbols": [BTC], "timeframe": "4h"}),
    (
        "what does the ml model say about sol",
        {"intent": "signals", "symbols": [SOL], "strategy": "ml_forest"},
    ),
    (
        "signals with rsi on eth",
        {"intent": "signals", "symbols": [ETH], "strategy": "rsi_reversion"},
    ),
    ("singals", {"intent": "signals"}),
    # --- trade ---------------------------------------------------------------------------
    ("buy 0.5 btc", _trade("buy", [BTC], amount=0.5, amount_unit="base", order_type="market")),
    ("Buy 1,000 DOGE", _trade("buy", [DOGE], amount=1000, amount_unit="base", order_type="market")),
    ("buy 2.5k doge", _trade("buy", [DOGE], amount=2500, amount_unit="base")),
    ("purchase 3 sol", _trade("buy", [SOL], amount=3, amount_unit="base")),
    ("buy $500 of eth", _trade("buy", [ETH], amount=500, amount_unit="quote")),
    ("buy 250 usdt worth of solana", _trade("buy", [SOL], amount=250, amount_unit="quote")),
    ("buy 1.5k usdt of btc", _trade("buy", [BTC], amount=1500, amount_unit="quote")),
    ("spend 200 dollars on eth", _trade("buy", [ETH], amount=200, amount_unit="quote")),
    ("invest $1,000 in bitcoin", _trade("buy", [BTC], amount=1000, amount_unit="quote")),
    ("buy 500$ of doge", _trade("buy", [DOGE], amount=500, amount_unit="quote")),
    ("buy 100 bucks of sol", _trade("buy", [SOL], amount=100, amount_unit="quote")),
    ("go long eth", _trade("buy", [ETH], order_type="market")),
    ("long 2 eth", _trade("buy", [ETH], amount=2, amount_unit="base")),
    ("short 0.1 btc", _trade("sell", [BTC], amount=0.1, amount_unit="base")),
    ("sell 0.25 bitcoin", _trade("sell", [BTC], amount=0.25, amount_unit="base")),
    ("sell half my btc", _trade("sell", [BTC], amount=50, amount_unit="percent")),
    ("sell half of my eth", _trade("sell", [ETH], amount=50, amount_unit="percent")),
    ("sell all my doge", _trade("sell", [DOGE], amount=100, amount_unit="percent")),
    ("sell 25% of my sol", _trade("sell", [SOL], amount=25, amount_unit="percent")),
    ("sell 10 percent of my btc", _trade("sell", [BTC], amount=10, amount_unit="percent")),
    ("sell a quarter of my eth", _trade("sell", [ETH], amount=25, amount_unit="percent")),
    ("dump all my shib", _trade("sell", ["SHIB/USDT"], amount=100, amount_unit="percent")),
    ("close my btc position", _trade("sell", [BTC], amount=100, amount_unit="percent")),
    ("exit eth", _trade("sell", [ETH], amount=100, amount_unit="percent")),
    ("liquidate my solana", _trade("sell", [SOL], amount=100, amount_unit="percent")),
    ("get out of doge", _trade("sell", [DOGE], amount=100, amount_unit="percent")),
    (
        "buy 0.5 btc at 60000",
        _trade("buy", [BTC], amount=0.5, amount_unit="base", order_type="limit", price=60000),
    ),
    ("buy 0.5 btc at 60k", _trade("buy", [BTC], amount=0.5, order_type="limit", price=60000)),
    ("buy 1 eth @ 2.5k", _trade("buy", [ETH], amount=1, order_type="limit", price=2500)),
    (
        "sell 1000 xrp @ 0.6",
        _trade("sell", ["XRP/USDT"], amount=1000, order_type="limit", price=0.6),
    ),
    ("limit buy 0.1 btc 58000", _trade("buy", [BTC], amount=0.1, order_type="limit", price=58000)),
    (
        "place a limit order to buy 2 sol at $140",
        _trade("buy", [SOL], amount=2, order_type="limit", price=140),
    ),
    (
        "buy 10 doge at a price of 0.1",
        _trade("buy", [DOGE], amount=10, order_type="limit", price=0.1),
    ),
    ("buy 0.1 btc at market", _trade("buy", [BTC], amount=0.1, order_type="market")),
    ("market buy 1 eth", _trade("buy", [ETH], amount=1, order_type="market")),
    ("buy btc if confident", _trade("buy", [BTC], if_confident=True)),
    ("buy eth if you're confident", _trade("buy", [ETH], if_confident=True)),
    ("buy sol only if the model agrees", _trade("buy", [SOL], if_confident=True)),
    (
        "buy btc if at least 75 percent sure",
        _trade("buy", [BTC], if_confident=True, min_confidence=0.75),
    ),
    ("buy btc if 80% confident", _trade("buy", [BTC], if_confident=True, min_confidence=0.8)),
    (
        "buy eth with confidence above 0.8",
        _trade("buy", [ETH], if_confident=True, min_confidence=0.8),
    ),
    (
        "buy btc if confident at least 70%",
        _trade("buy", [BTC], if_confident=True, min_confidence=0.7),
    ),
    ("buy btc min confidence 65", _trade("buy", [BTC], if_confident=True, min_confidence=0.65)),
    ("trade btc if confident", _trade(None, [BTC], if_confident=True)),
    ("trade eth", _trade(None, [ETH])),
    ("buy 0.5 btc with a 5% stop loss", _trade("buy", [BTC], amount=0.5, stop_loss_pct=5)),
    ("buy eth sl 3% tp 9%", _trade("buy", [ETH], stop_loss_pct=3, take_profit_pct=9)),
    (
        "buy sol with stop-loss at 4 percent and take profit at 12 percent",
        _trade("buy", [SOL], stop_loss_pct=4, take_profit_pct=12),
    ),
    (
        "buy 1 eth, 2% stop, 6% target",
        _trade("buy", [ETH], amount=1, stop_loss_pct=2, take_profit_pct=6),
    ),
    (
        "buy 0.5 btc at 60k with a 5% stop loss and 10% take profit if confident at least 80%",
        _trade(
            "buy",
            [BTC],
            amount=0.5,
            amount_unit="base",
            order_type="limit",
            price=60000,
            stop_loss_pct=5,
            take_profit_pct=10,
            if_confident=True,
            min_confidence=0.8,
        ),
    ),
    ("buy ETH/BTC", _trade("buy", ["ETH/BTC"])),
    ("buy 0.1 btc worth of eth", _trade("buy", ["ETH/BTC"], amount=0.1, amount_unit="quote")),
    ("buy 5 sol-usdc", _trade("buy", ["SOL/USDC"], amount=5, amount_unit="base")),
    ("buy BTCUSD", _trade("buy", ["BTC/USD"])),
    ("buy 1 LINK", _trade("buy", ["LINK/USDT"], amount=1)),
    ("buy 100 near", _trade("buy", ["NEAR/USDT"], amount=100)),
    ("buy 50 ADA", _trade("buy", ["ADA/USDT"], amount=50)),
    ("byu 0.5 btc", _trade("buy", [BTC], amount=0.5)),
    ("sel 2 eth", _trade("sell", [ETH], amount=2)),
    ("tarde btc if confident", _trade(None, [BTC], if_confident=True)),
    ("PLEASE BUY 0.01 BTC!!!", _trade("buy", [BTC], amount=0.01)),
    ("could you please buy me some bitcoin", _trade("buy", [BTC])),
    ("i'd like to buy 3 ether", _trade("buy", [ETH], amount=3)),
    ("ape into pepe with 100 usdt", _trade("buy", ["PEPE/USDT"], amount=100, amount_unit="quote")),
    ("buy btc 0.5", _trade("buy", [BTC], amount=0.5, amount_unit="base")),
    ("buy 1 thousand doge", _trade("buy", [DOGE], amount=1000)),
    ("buy 0.5 btc reduce only", _trade("buy", [BTC], amount=0.5, reduce_only=True)),
    ("sell btc at 70k", _trade("sell", [BTC], order_type="limit", price=70000)),
    ("take profits on sol", _trade("sell", [SOL])),
    (
        "buy 2 eth on the 4h if confident",
        _trade("buy", [ETH], amount=2, timeframe="4h", if_confident=True),
    ),
    # --- cancel --------------------------------------------------------------------------
    ("cancel all orders", {"intent": "cancel"}),
    ("cancel my btc orders", {"intent": "cancel", "symbols": [BTC]}),
    ("cancel order 12345", {"intent": "cancel", "order_id": "12345"}),
    ("cancel order #abc123", {"intent": "cancel", "order_id": "abc123"}),
    ("revoke all open orders", {"intent": "cancel"}),
    ("kill all my orders", {"intent": "cancel"}),
    ("remove the eth order", {"intent": "cancel", "symbols": [ETH]}),
    ("cancell everything on sol", {"intent": "cancel", "symbols": [SOL]}),
    ("cancel", {"intent": "cancel"}),
    # --- orders --------------------------------------------------------------------------
    ("orders", {"intent": "orders"}),
    ("show my open orders", {"intent": "orders"}),
    ("list pending orders for eth", {"intent": "orders", "symbols": [ETH]}),
    ("what orders do i have", {"intent": "orders"}),
    ("my ordrs", {"intent": "orders"}),
    ("order history", {"intent": "orders"}),
    # --- positions -----------------------------------------------------------------------
    ("positions", {"intent": "positions"}),
    ("show my positions", {"intent": "positions"}),
    ("what do i hold", {"intent": "positions"}),
    ("what am i holding", {"intent": "positions"}),
    ("show me my portfolio", {"intent": "positions"}),
    ("holdings", {"intent": "positions"}),
    ("my btc position", {"intent": "positions", "symbols": [BTC]}),
    ("what's my pnl", {"intent": "positions"}),
    ("positons", {"intent": "positions"}),
    # --- balance -------------------------------------------------------------------------
    ("balance", {"intent": "balance"}),
    ("what's my balance", {"intent": "balance"}),
    ("show balances", {"intent": "balance"}),
    ("how much cash do i have", {"intent": "balance"}),
    ("how much money do i have", {"intent": "balance"}),
    ("wallet", {"intent": "balance"}),
    ("ballance", {"intent": "balance"}),
    ("account equity", {"intent": "balance"}),
    ("buying power", {"intent": "balance"}),
    # --- halt ----------------------------------------------------------------------------
    ("halt", {"intent": "halt"}),
    ("HALT!", {"intent": "halt"}),
    ("stop trading", {"intent": "halt"}),
    ("stop all trading now", {"intent": "halt"}),
    ("stop", {"intent": "halt"}),
    ("kill switch", {"intent": "halt"}),
    ("emergency stop", {"intent": "halt"}),
    ("panic", {"intent": "halt"}),
    ("pause trading", {"intent": "halt"}),
    ("freeze everything", {"intent": "halt"}),
    ("close everything", {"intent": "halt", "flatten": True}),
    ("close all positions", {"intent": "halt", "flatten": True}),
    ("liquidate", {"intent": "halt", "flatten": True}),
    ("liquidate everything", {"intent": "halt", "flatten": True}),
    ("sell everything", {"intent": "halt", "flatten": True}),
    ("flatten", {"intent": "halt", "flatten": True}),
    ("halt and close everything", {"intent": "halt", "flatten": True}),
    ("halt and liquidate", {"intent": "halt", "flatten": True}),
    ("halt, reduce only", {"intent": "halt", "reduce_only": True}),
    ("halt trading reduce-only", {"intent": "halt", "reduce_only": True}),
    ("hlat", {"intent": "halt"}),
    ("stop the bot", {"intent": "halt"}),
    # --- resume --------------------------------------------------------------------------
    ("resume", {"intent": "resume"}),
    ("resume trading", {"intent": "resume"}),
    ("unhalt", {"intent": "resume"}),
    ("start trading again", {"intent": "resume"}),
    ("lift the halt", {"intent": "resume"}),
    ("cancel the halt", {"intent": "resume"}),
    ("turn trading back on", {"intent": "resume"}),
    ("unpause", {"intent": "resume"}),
    ("resmue trading", {"intent": "resume"}),
    # --- status --------------------------------------------------------------------------
    ("status", {"intent": "status"}),
    ("what's the status", {"intent": "status"}),
    ("system status please", {"intent": "status"}),
    ("is trading halted?", {"intent": "status"}),
    ("how are things", {"intent": "status"}),
    ("what's going on", {"intent": "status"}),
    ("health", {"intent": "status"}),
    ("stauts", {"intent": "status"}),
    # --- risk ----------------------------------------------------------------------------
    ("risk", {"intent": "risk"}),
    ("show my risk limits", {"intent": "risk"}),
    ("what are my limits", {"intent": "risk"}),
    ("set max daily loss to 5%", {"intent": "risk", "setting": "max_daily_loss_pct", "value": 5}),
    ("daily loss limit 3 percent", {"intent": "risk", "setting": "max_daily_loss_pct", "value": 3}),
    ("max position 1000", {"intent": "risk", "setting": "max_position_quote", "value": 1000}),
    (
        "set max position size to $2,500",
        {"intent": "risk", "setting": "max_position_quote", "value": 2500},
    ),
    ("max position 10%", {"intent": "risk", "setting": "max_position_pct", "value": 10}),
    ("set max exposure to 50%", {"intent": "risk", "setting": "max_exposure_pct", "value": 50}),
    ("risk 1% per trade", {"intent": "risk", "setting": "risk_per_trade_pct", "value": 1}),
    (
        "set risk per trade to 0.5%",
        {"intent": "risk", "setting": "risk_per_trade_pct", "value": 0.5},
    ),
    ("max order size 500 usdt", {"intent": "risk", "setting": "max_order_quote", "value": 500}),
    ("set max open orders to 5", {"intent": "risk", "setting": "max_open_orders", "value": 5}),
    ("limit open orders to 3", {"intent": "risk", "setting": "max_open_orders", "value": 3}),
    ("what's my max daily loss", {"intent": "risk", "setting": None}),
    # --- alert ---------------------------------------------------------------------------
    (
        "alert me when btc goes above 70k",
        {"intent": "alert", "symbols": [BTC], "condition": "above", "price": 70000},
    ),
    (
        "notify me if eth drops below 3,000",
        {"intent": "alert", "symbols": [ETH], "condition": "below", "price": 3000},
    ),
    (
        "ping me when sol is over $200",
        {"intent": "alert", "symbols": [SOL], "condition": "above", "price": 200},
    ),
    (
        "tell me when doge falls under 0.1",
        {"intent": "alert", "symbols": [DOGE], "condition": "below", "price": 0.1},
    ),
    (
        "let me know if bitcoin hits 100k",
        {"intent": "alert", "symbols": [BTC], "condition": "above", "price": 100000},
    ),
    (
        "alert btc below 50000",
        {"intent": "alert", "symbols": [BTC], "condition": "below", "price": 50000},
    ),
    (
        "set an alert for eth above 4k",
        {"intent": "alert", "symbols": [ETH], "condition": "above", "price": 4000},
    ),
    (
        "warn me if xrp dips under 0.5",
        {"intent": "alert", "symbols": ["XRP/USDT"], "condition": "below", "price": 0.5},
    ),
    (
        "alrt me when btc > 65000",
        {"intent": "alert", "symbols": [BTC], "condition": "above", "price": 65000},
    ),
    # --- backtest ------------------------------------------------------------------------
    (
        "backtest sma cross on btc",
        {"intent": "backtest", "symbols": [BTC], "strategy": "sma_cross"},
    ),
    (
        "backtest golden cross on bitcoin over the last 90 days",
        {"intent": "backtest", "symbols": [BTC], "strategy": "sma_cross", "lookback_days": 90},
    ),
    (
        "back test the moving average crossover on eth past 2 weeks",
        {"intent": "backtest", "symbols": [ETH], "strategy": "sma_cross", "lookback_days": 14},
    ),
    (
        "backtest ema cross 9/21 on sol 4h",
        {
            "intent": "backtest",
            "symbols": [SOL],
            "strategy": "ema_cross",
            "timeframe": "4h",
            "params": {"fast": 9, "slow": 21},
        },
    ),
    (
        "backtest rsi on eth daily for 6 months",
        {
            "intent": "backtest",
            "symbols": [ETH],
            "strategy": "rsi_reversion",
            "timeframe": "1d",
            "lookback_days": 180,
        },
    ),
    (
        "backtest macd on btc past year",
        {"intent": "backtest", "symbols": [BTC], "strategy": "macd_cross", "lookback_days": 365},
    ),
    (
        "backtest bollinger bands on doge",
        {"intent": "backtest", "symbols": [DOGE], "strategy": "bollinger_reversion"},
    ),
    (
        "backtest donchian breakout on btc 1h",
        {"intent": "backtest", "symbols": [BTC], "strategy": "breakout", "timeframe": "1h"},
    ),
    (
        "backtest the random forest on eth",
        {"intent": "backtest", "symbols": [ETH], "strategy": "ml_forest"},
    ),
    (
        "backtest the ml model on btc last 30 days",
        {"intent": "backtest", "symbols": [BTC], "strategy": "ml_forest", "lookback_days": 30},
    ),
    (
        "how would the golden cross have done on btc last year",
        {"intent": "backtest", "symbols": [BTC], "strategy": "sma_cross", "lookback_days": 365},
    ),
    (
        "simulate rsi reversion on sol over 60 days",
        {"intent": "backtest", "symbols": [SOL], "strategy": "rsi_reversion", "lookback_days": 60},
    ),
    (
        "backtest sma 50/200 on btc",
        {
            "intent": "backtest",
            "symbols": [BTC],
            "strategy": "sma_cross",
            "params": {"fast": 50, "slow": 200},
        },
    ),
    (
        "backtest rsi period 10 on eth",
        {
            "intent": "backtest",
            "symbols": [ETH],
            "strategy": "rsi_reversion",
            "params": {"period": 10},
        },
    ),
    (
        "backtest breakout 20/10 on btc",
        {
            "intent": "backtest",
            "symbols": [BTC],
            "strategy": "breakout",
            "params": {"entry": 20, "exit": 10},
        },
    ),
    ("bakctest macd on eth", {"intent": "backtest", "symbols": [ETH], "strategy": "macd_cross"}),
    # --- optimize ------------------------------------------------------------------------
    (
        "optimize ema cross on btc",
        {"intent": "optimize", "symbols": [BTC], "strategy": "ema_cross"},
    ),
    (
        "optimise rsi on eth with bayes, 200 trials",
        {
            "intent": "optimize",
            "symbols": [ETH],
            "strategy": "rsi_reversion",
            "method": "bayes",
            "trials": 200,
        },
    ),
    (
        "tune the macd strategy on sol using grid search",
        {"intent": "optimize", "symbols": [SOL], "strategy": "macd_cross", "method": "grid"},
    ),
    (
        "find the best parameters for bollinger on btc over the past year",
        {
            "intent": "optimize",
            "symbols": [BTC],
            "strategy": "bollinger_reversion",
            "lookback_days": 365,
        },
    ),
    (
        "optimize sma cross on eth 4h last 90 days 50 trials bayesian",
        {
            "intent": "optimize",
            "symbols": [ETH],
            "strategy": "sma_cross",
            "timeframe": "4h",
            "lookback_days": 90,
            "trials": 50,
            "method": "bayes",
        },
    ),
    (
        "optimize breakout on btc with optuna",
        {"intent": "optimize", "symbols": [BTC], "strategy": "breakout", "method": "bayes"},
    ),
    # --- dashboard and help --------------------------------------------------------------
    ("dashboard", {"intent": "dashboard"}),
    ("open the dashboard", {"intent": "dashboard"}),
    ("show the dashbaord", {"intent": "dashboard"}),
    ("launch the tui", {"intent": "dashboard"}),
    ("help", {"intent": "help"}),
    ("?", {"intent": "help"}),
    ("what can you do", {"intent": "help"}),
    ("what can i say?", {"intent": "help"}),
    ("show me some examples", {"intent": "help"}),
    ("hlep", {"intent": "help"}),
]

# Sequences: (text, [intent of each step], symbols of each step).
SEQUENCES: list[tuple[str, list[str], list[list[str]]]] = [
    ("analyze BTC then trade it if confident", ["analyze", "trade"], [[BTC], [BTC]]),
    ("halt and show my positions", ["halt", "positions"], [[], []]),
    ("analyze eth, then buy 1 eth if confident", ["analyze", "trade"], [[ETH], [ETH]]),
    ("check sol and then buy it", ["analyze", "trade"], [[SOL], [SOL]]),
    ("sell my doge and buy btc", ["trade", "trade"], [[DOGE], [BTC]]),
    ("cancel all orders then halt", ["cancel", "halt"], [[], []]),
    ("backtest rsi on btc; optimize it", ["backtest", "optimize"], [[BTC], [BTC]]),
    (
        "analyze btc and eth then buy the same if confident",
        ["analyze", "trade"],
        [[BTC, ETH], [ETH]],
    ),
    ("show my balance and my positions", ["balance", "positions"], [[], []]),
    ("resume trading and then show status", ["resume", "status"], [[], []]),
]

# Text that is understood but not acceptable: (text, intent, words the error must contain).
ERRORS: list[tuple[str, str, str]] = [
    ("buy -5 btc", "trade", "positive"),
    ("buy 0 eth", "trade", "positive"),
    ("buy 0.5 btc at -100", "trade", "positive"),
    ("buy 1 btc at 0", "trade", "positive"),
    ("sell 150% of my eth", "trade", "100"),
    ("buy btc with a 120% stop loss", "trade", "100"),
    ("buy eth take profit 0%", "trade", "between 0 and 100"),
    ("buy btc if 150% confident", "trade", "confidence"),
    ("buy btc with confidence above 250", "trade", "confidence"),
    ("set max daily loss to -5%", "risk", "negative"),
    ("max position -1000", "risk", "negative"),
    ("set max exposure to 150%", "risk", "100"),
    ("backtest supertrend strategy on btc", "backtest", "supertrend"),
    ("optimize the ichimoku strategy on eth", "optimize", "ichimoku"),
    ("optimize rsi on btc with 0 trials", "optimize", "trials"),
    ("alert me when btc goes above -5", "alert", "positive"),
]

# Not commands at all.
UNKNOWN: list[str] = [
    "",
    "   ",
    "hello there",
    "the weather is nice today",
    "asdfghjkl",
    "42",
    "what is the meaning of life",
    "tell me a joke",
    "i love pizza",
    "🚀🚀🚀",
]
