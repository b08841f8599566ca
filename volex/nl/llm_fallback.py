"""When the grammar does not understand a line, ask the configured LLM to fill the same schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

from volex.domain.symbols import normalize_symbol
from volex.errors import UnknownSymbol
from volex.nl.checks import problem
from volex.nl.command import RISK_SETTINGS, STRATEGIES, Command
from volex.nl.parser import parse

if TYPE_CHECKING:
    from volex.ports import LLM

__all__ = ["HELP_EXAMPLES", "SYSTEM_PROMPT", "ask_llm", "parse_with_fallback", "unknown_reply"]

# An LLM's reading is a guess: never as sure as the grammar's exact match.
_MAX_LLM_CONFIDENCE = 0.9

SYSTEM_PROMPT = f"""\
You read one line a crypto trader typed into Volex, a trading terminal, and answer with one
JSON object in the Command schema. Rules:
- intent: analyze | signals | trade | cancel | orders | positions | balance | halt | resume |
  status | risk | alert | backtest | optimize | dashboard | help | sequence | unknown.
  Use unknown when the line is not a request Volex can carry out.
- symbols: canonical BASE/QUOTE pairs (bitcoin -> BTC/USDT); the default quote is given.
- side: buy | sell | null; long = buy, short = sell; closing a position = sell 100 percent.
- amount with amount_unit base (coins), quote (money, e.g. "$500 of") or percent.
- order_type limit with price when a price is given ("at 60k"), else market.
- if_confident true when the trade should only happen if the signal is confident;
  min_confidence is a fraction 0..1.
- stop_loss_pct and take_profit_pct are percentages (5 means 5%).
- timeframe: 1m 5m 15m 30m 1h 2h 4h 6h 12h 1d 1w. lookback_days: days of history.
- strategy: one of {", ".join(STRATEGIES)}; params: numbers said with it.
- method grid | bayes and trials for optimize. flatten true when halting should close
  positions. condition above | below with price for alerts.
- setting: one of {", ".join(RISK_SETTINGS)} with value, for risk changes.
- steps: the sub-commands of a sequence, each a full Command.
- confidence: how sure you are of your reading, 0..1. Leave error null.
Never invent amounts, prices or symbols the person did not say. Examples:
"yolo half a grand into the orange coin" -> {{"intent": "trade", "symbols": ["BTC/USDT"],
 "side": "buy", "amount": 500, "amount_unit": "quote", "order_type": "market",
 "confidence": 0.7}}
"what's the weather like" -> {{"intent": "unknown", "confidence": 0.95}}"""

HELP_EXAMPLES: tuple[str, ...] = (
    "analyze BTC on the 4 hour chart",
    "buy $500 of eth if confident, 5% stop loss",
    "sell half my sol at 180",
    "signals for btc and eth",
    "backtest ema cross 9/21 on btc over the last 90 days",
    "optimize rsi on eth with bayes, 100 trials",
    "alert me when btc goes above 70k",
    "set max daily loss to 3%",
    "show my positions / balance / orders",
    "halt and close everything",
)


def ask_llm(text: str, llm: LLM, default_quote: str = "USDT") -> Command | None:
    """The LLM's reading of ``text`` as a validated Command (``source='llm'``), or None.

    Raises ``LLMError`` when the model is unreachable or answers outside the schema.
    """
    user = f"Default quote currency: {default_quote}\nLine: {text}"
    answer, _usage = llm.complete_json(SYSTEM_PROMPT, user, Command)
    if answer is None:
        return None
    return _as_llm_reading(answer, text, default_quote)


def parse_with_fallback(text: str, llm: LLM | None, default_quote: str = "USDT") -> Command:
    """The grammar's reading; when it is ``unknown`` and an LLM is configured, the LLM's."""
    command = parse(text, default_quote)
    if command.intent != "unknown" or llm is None or not text.strip():
        return command
    reading = ask_llm(text, llm, default_quote)
    return reading if reading is not None else command


def unknown_reply(command: Command) -> str:
    """What to tell a person whose line was not understood: a few things they can say."""
    examples = "\n".join(f"  {e}" for e in HELP_EXAMPLES)
    said = command.text.strip()
    head = f"I did not understand {said!r}." if said else "Say what you want Volex to do."
    return f"{head} Things you can say:\n{examples}\n(`help` lists more.)"


def _as_llm_reading(answer: Command, text: str, default_quote: str) -> Command:
    steps = [_as_llm_reading(step, step.text or text, default_quote) for step in answer.steps]
    symbols, bad = [], None
    for raw in answer.symbols:
        try:
            symbols.append(normalize_symbol(raw, default_quote))
        except UnknownSymbol:
            bad = bad or f"unknown symbol {raw!r}"
    command = answer.model_copy(update={
        "symbols": list(dict.fromkeys(symbols)),
        "steps": steps,
        "text": text,
        "source": "llm",
        "confidence": min(answer.confidence or 0.5, _MAX_LLM_CONFIDENCE),
        "error": None,
    })
    if command.intent == "trade" and command.order_type is None:
        command.order_type = "limit" if command.price is not None else "market"
    if command.min_confidence is not None:
        command.if_confident = True
    command.error = bad or problem(command)
    return command
