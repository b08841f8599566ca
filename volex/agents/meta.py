"""The meta-agent as a service: plain English (or CLI syntax) in, typed results out.

The same reading as `volex ask` (grammar first, the configured LLM when the grammar has
none) and the same confirmation rule: anything that trades, cancels, resumes, flattens or
changes a risk limit runs only with ``confirm``; without it, trades are planned (nothing
sent) and the answer says what would run. Each step needs its own role: reads a viewer,
trading and halts a trader, risk changes an admin. Used by `POST /v1/ask` and the bot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from volex.auth import Role
from volex.errors import AccessDenied, UserInputError

if TYPE_CHECKING:
    from volex.facade import Volex
    from volex.nl.command import Command

__all__ = ["ask", "needs_confirmation", "role_needed", "understand"]

_TRADER_INTENTS = {"trade", "cancel", "halt", "resume", "alert"}
_NOT_SERVED = {"backtest", "optimize", "dashboard"}
_SIZES = {"base": "amount", "quote": "quote", "percent": "percent"}


def understand(volex: Volex, text: str) -> Command:
    """The grammar's reading of ``text``, or the configured LLM's when the grammar has none."""
    from volex.errors import LLMError
    from volex.nl.llm_fallback import parse_with_fallback
    from volex.nl.parser import parse

    quote = volex.settings.quote
    if volex.settings.llm.provider == "local":
        return parse(text, quote)
    try:
        return parse_with_fallback(text, volex.runtime.llm, quote)
    except LLMError:
        return parse(text, quote)


def role_needed(step: Command) -> Role:
    if step.intent == "risk" and step.setting is not None:
        return Role.admin
    return Role.trader if step.intent in _TRADER_INTENTS else Role.viewer


def needs_confirmation(step: Command) -> bool:
    """As `volex ask`: orders, cancels, risk changes, resume and a flattening halt."""
    return step.would_trade or step.intent == "resume" or (step.intent == "halt" and step.flatten)


def ask(volex: Volex, text: str, *, role: Role, confirm: bool = False) -> dict[str, Any]:
    """Understand ``text`` and carry it out as ``volex``'s actor, within ``role``."""
    from volex.nl.llm_fallback import unknown_reply
    from volex.nl.to_argv import to_argv

    command = understand(volex, text)
    if command.intent == "help":
        from volex.nl.llm_fallback import HELP_EXAMPLES

        return {"command": command.to_json(), "help": list(HELP_EXAMPLES), "results": []}
    if command.intent == "unknown":
        raise UserInputError(" ".join(unknown_reply(command).split()))
    steps = command.steps if command.intent == "sequence" else [command]
    argvs = [to_argv(step) for step in steps]  # a step that cannot run as said: UserInputError
    for step in steps:
        if step.intent in _NOT_SERVED:
            raise UserInputError(f"{step.intent} is not available through ask here: use the CLI")
        needed = role_needed(step)
        if role < needed:
            article = "an" if needed is Role.admin else "a"
            raise AccessDenied(f"{step.intent} needs {article} {needed.name} token")
    pending = any(needs_confirmation(step) for step in steps)
    answer: dict[str, Any] = {
        "command": command.to_json(), "confirmed": confirm or not pending,
        "steps": [" ".join(["volex", *argv]) for group in argvs for argv in group]}
    if pending and not confirm:
        answer["results"] = [{"intent": "trade", "plan": plan.model_dump(mode="json")}
                             for step in steps if step.intent == "trade"
                             for plan in _plans(volex, step)]
        answer["message"] = 'not run: send "confirm": true to carry it out'
        return answer
    answer["results"] = [_run(volex, step) for step in steps]
    return answer


def _plans(volex: Volex, step: Command) -> list[Any]:
    sizes = {_SIZES[step.amount_unit]: step.amount} if step.amount_unit and step.amount else {}
    limit = step.price if step.order_type == "limit" else None
    return [volex.plan_trade(symbol, step.side, **sizes, limit=limit,
                             stop_loss=step.stop_loss_pct, take_profit=step.take_profit_pct,
                             if_confident=step.if_confident, min_confidence=step.min_confidence)
            for symbol in step.symbols]


def _dump(value: Any) -> Any:
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def _run(volex: Volex, step: Command) -> dict[str, Any]:
    """One understood step, through the facade (the same calls the CLI commands make)."""
    tf, intent = step.timeframe, step.intent
    if intent == "analyze":
        result: Any = [volex.analyze(symbol, tf) for symbol in step.symbols]
    elif intent == "signals":
        result = volex.signals(step.symbols or None, tf)
    elif intent == "trade":
        result = [volex.trade(plan) for plan in _plans(volex, step)]
    elif intent == "cancel":
        result = volex.cancel(step.order_id, symbol=step.symbols[0] if step.symbols else None,
                              all_orders=not (step.order_id or step.symbols))
    elif intent == "orders":
        result = volex.orders(step.symbols[0] if step.symbols else None)
    elif intent == "positions":
        result = volex.positions()
    elif intent == "balance":
        result = volex.balances()
    elif intent == "halt":
        result = volex.halt(flatten=step.flatten, reduce_only=step.reduce_only)
    elif intent == "resume":
        result = volex.resume()
    elif intent == "status":
        result = volex.status()
    elif intent == "risk":
        result = (volex.risk_limits() if step.setting is None
                  else volex.set_risk_limit(step.setting, str(step.value)))
    else:  # alert (to_argv has checked its price and condition)
        result = [volex.add_alert(symbol, step.condition, step.price) for symbol in step.symbols]
    return {"intent": intent, "result": _dump(result)}
