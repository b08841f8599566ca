"""The technical verdict: each indicator read in plain words and voted, then summed."""

from __future__ import annotations

from volex.domain.analysis import Indicators, Reading, Verdict

__all__ = ["BUY_SCORE", "SELL_SCORE", "read_indicators", "technical_verdict"]

BUY_SCORE = 0.25
SELL_SCORE = -0.25

# How much each reading counts in the score; trend-following and momentum weigh most.
_WEIGHTS = {"RSI 14": 1.0, "MACD 12/26/9": 1.0, "Bollinger 20/2": 0.75, "Stochastic 14/3/3": 0.5,
            "EMA 20/50": 1.0, "EMA 200": 1.0, "ADX 14": 0.0, "ATR 14": 0.0, "VWAP 14": 0.5,
            "OBV": 0.0}


def _fmt(value: float) -> str:
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.6g}"


def _rsi(rsi: float) -> Reading:
    if rsi >= 70:
        return Reading(indicator="RSI 14", value=f"{rsi:.1f}", meaning="overbought: rally may be stretched", vote=-1)
    if rsi <= 30:
        return Reading(indicator="RSI 14", value=f"{rsi:.1f}", meaning="oversold: selling may be exhausted", vote=1)
    lean = "bullish momentum" if rsi > 55 else "bearish momentum" if rsi < 45 else "neutral momentum"
    vote = 0.5 if rsi > 55 else -0.5 if rsi < 45 else 0.0
    return Reading(indicator="RSI 14", value=f"{rsi:.1f}", meaning=lean, vote=vote)


def _macd(ind: Indicators) -> Reading | None:
    m = ind.macd
    if m.hist is None or m.macd is None:
        return None
    above = m.hist > 0
    meaning = ("MACD above its signal: momentum rising" if above
               else "MACD below its signal: momentum falling")
    return Reading(indicator="MACD 12/26/9", value=f"hist {_fmt(m.hist)}", meaning=meaning,
                   vote=1.0 if above else -1.0)


def _bands(ind: Indicators, close: float) -> Reading | None:
    b = ind.bbands
    if b.upper is None or b.lower is None or b.upper == b.lower:
        return None
    pct_b = (close - b.lower) / (b.upper - b.lower)
    if pct_b > 1:
        meaning, vote = "price above the upper band: stretched", -1.0
    elif pct_b < 0:
        meaning, vote = "price below the lower band: stretched down", 1.0
    else:
        meaning, vote = f"price inside the bands ({pct_b:.0%} of the way up)", 0.0
    return Reading(indicator="Bollinger 20/2", value=f"%b {pct_b:.2f}", meaning=meaning, vote=vote)


def _stoch(ind: Indicators) -> Reading | None:
    k, d = ind.stoch.k, ind.stoch.d
    if k is None or d is None:
        return None
    if k >= 80:
        meaning, vote = "overbought zone", -0.5
    elif k <= 20:
        meaning, vote = "oversold zone", 0.5
    else:
        meaning, vote = ("%K above %D: turning up", 0.5) if k > d else ("%K below %D: turning down", -0.5)
    return Reading(indicator="Stochastic 14/3/3", value=f"%K {k:.1f} %D {d:.1f}", meaning=meaning, vote=vote)


def _trend(ind: Indicators, close: float) -> list[Reading]:
    out = []
    if ind.ema_20 is not None and ind.ema_50 is not None:
        up = ind.ema_20 > ind.ema_50
        out.append(Reading(indicator="EMA 20/50", value=f"{_fmt(ind.ema_20)} / {_fmt(ind.ema_50)}",
                           meaning="short-term trend up" if up else "short-term trend down",
                           vote=1.0 if up else -1.0))
    if ind.ema_200 is not None:
        up = close > ind.ema_200
        out.append(Reading(indicator="EMA 200", value=_fmt(ind.ema_200),
                           meaning="price above the long-term average" if up
                           else "price below the long-term average", vote=1.0 if up else -1.0))
    return out


def read_indicators(ind: Indicators, close: float) -> list[Reading]:
    """Every indicator with enough history, read in plain words."""
    readings: list[Reading] = []
    if ind.rsi_14 is not None:
        readings.append(_rsi(ind.rsi_14))
    readings += [r for r in (_macd(ind), _bands(ind, close), _stoch(ind)) if r]
    readings += _trend(ind, close)
    if ind.vwap is not None:
        above = close > ind.vwap
        readings.append(Reading(indicator="VWAP 14", value=_fmt(ind.vwap),
                                meaning="price above volume-weighted average" if above
                                else "price below volume-weighted average", vote=0.5 if above else -0.5))
    if ind.adx_14 is not None:
        strength = "strong trend" if ind.adx_14 >= 25 else "weak or no trend"
        readings.append(Reading(indicator="ADX 14", value=f"{ind.adx_14:.1f}", meaning=strength))
    if ind.atr_14 is not None and close:
        readings.append(Reading(indicator="ATR 14", value=_fmt(ind.atr_14),
                                meaning=f"typical bar range {ind.atr_14 / close:.1%} of price"))
    if ind.obv is not None:
        readings.append(Reading(indicator="OBV", value=f"{ind.obv:,.0f}", meaning="cumulative volume flow"))
    return readings


def technical_verdict(readings: list[Reading], adx: float | None = None) -> Verdict:
    """Weighted mean of the votes in [-1, 1]; a strong trend (ADX >= 25) sharpens it."""
    weighted = [(r.vote, _WEIGHTS.get(r.indicator, 0.0)) for r in readings]
    total = sum(w for _, w in weighted)
    if total == 0:
        return Verdict(action="hold", score=0.0, reasons=["too few bars for a technical reading"])
    score = sum(v * w for v, w in weighted) / total
    if adx is not None and adx >= 25:
        score = max(-1.0, min(1.0, score * 1.2))
    score = round(score, 3)
    action = "buy" if score >= BUY_SCORE else "sell" if score <= SELL_SCORE else "hold"
    side = 1 if action == "buy" else -1 if action == "sell" else 0
    drivers = [r for r in readings if r.vote and (side == 0 or (r.vote > 0) == (side > 0))]
    reasons = [f"{r.indicator}: {r.meaning}" for r in sorted(drivers, key=lambda r: -abs(r.vote))][:4]
    if adx is not None and adx >= 25:
        reasons.append(f"ADX {adx:.0f}: the trend is strong")
    return Verdict(action=action, score=score, reasons=reasons or ["signals are mixed"])
