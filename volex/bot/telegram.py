"""A Telegram bot over the Bot API by long polling (no public address needed), plain httpx.

Each allow-listed chat has a role; what it says goes through the meta-agent
(``volex.agents.meta``) exactly as `volex ask` and `POST /v1/ask`: the same reading, roles
and confirmation rule. A step that needs confirmation is shown with Confirm / Cancel buttons
and runs only on Confirm; ``/halt`` from a trader chat halts at once. The bot never dies of
one bad update or a network failure: it reports, backs off and carries on. The token is a
secret and appears in no message, log line or error (it is registered for redaction).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from volex.auth import Role
from volex.errors import NetworkError, VolexError

if TYPE_CHECKING:
    from volex.facade import Volex

__all__ = ["TelegramBot"]

log = logging.getLogger(__name__)

_PENDING_MAX = 200  # confirmations waiting for a button: bounded, oldest dropped
_MESSAGE_MAX = 3500  # Telegram's limit is 4096 characters


class TelegramBot:
    """Long-polls ``getUpdates`` and answers allow-listed chats through the meta-agent."""

    def __init__(self, volex: Volex, token: str, chats: dict[str, str], *,
                 api: str = "https://api.telegram.org", poll_s: int = 25) -> None:
        import httpx

        from volex.adapters.secrets.redact import remember

        remember([token])
        self.volex = volex
        self.chats = {str(chat): Role.parse(role) for chat, role in chats.items()}
        self.poll_s = poll_s
        self._http = httpx.Client(base_url=f"{api.rstrip('/')}/bot{token}/",
                                  timeout=poll_s + 10)
        self._offset: int | None = None
        self._pending: OrderedDict[str, tuple[str, str]] = OrderedDict()

    def run(self, stop: threading.Event) -> None:
        """Answer updates until ``stop`` is set; failures are logged and retried with backoff."""
        backoff = 1.0
        while not stop.is_set():
            try:
                updates = self._call("getUpdates", {"offset": self._offset,
                                                    "timeout": self.poll_s,
                                                    "allowed_updates": ["message",
                                                                        "callback_query"]})
                backoff = 1.0
            except VolexError as exc:
                log.warning("telegram: %s; retrying in %.0fs", exc, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, 60.0)
                continue
            for update in updates:
                self._offset = update["update_id"] + 1
                try:
                    self.handle(update)
                except Exception:  # one bad update never stops the bot
                    log.exception("telegram: update %s failed", update.get("update_id"))

    def handle(self, update: dict[str, Any]) -> None:
        if "callback_query" in update:
            self._button(update["callback_query"])
            return
        message = update.get("message") or {}
        chat, text = str(message.get("chat", {}).get("id", "")), (message.get("text") or "")
        if not chat or not text.strip():
            return
        role = self.chats.get(chat)
        if role is None:
            self._send(chat, f"This chat ({chat}) is not allowed: add it to bot.telegram_chats.")
            return
        said = "halt" if text.strip().lower() in ("/halt", "/stop") else text.strip().lstrip("/")
        self._answer(chat, role, said, confirm=False)

    def _answer(self, chat: str, role: Role, text: str, *, confirm: bool) -> None:
        from volex.agents.meta import ask

        try:
            answer = ask(self._acting(chat), text, role=role, confirm=confirm)
        except VolexError as exc:
            self._send(chat, f"Error: {exc}")
            return
        if not answer.get("confirmed", True):
            key = secrets.token_hex(8)
            self._pending[key] = (chat, text)
            while len(self._pending) > _PENDING_MAX:
                self._pending.popitem(last=False)
            buttons = [[{"text": "Confirm", "callback_data": f"yes:{key}"},
                        {"text": "Cancel", "callback_data": f"no:{key}"}]]
            self._send(chat, render(answer) + "\nRun it?", {"inline_keyboard": buttons})
            return
        self._send(chat, render(answer))

    def _button(self, query: dict[str, Any]) -> None:
        choice, _, key = str(query.get("data", "")).partition(":")
        chat = str(query.get("message", {}).get("chat", {}).get("id", ""))
        pending = self._pending.pop(key, None)
        if pending is None or pending[0] != chat or chat not in self.chats:
            self._call("answerCallbackQuery", {"callback_query_id": query["id"],
                                               "text": "expired: say it again"})
            return
        self._call("answerCallbackQuery", {"callback_query_id": query["id"],
                                           "text": "running" if choice == "yes" else "cancelled"})
        if choice == "yes":
            self._answer(chat, self.chats[chat], pending[1], confirm=True)
        else:
            self._send(chat, "Cancelled: nothing done.")

    def _acting(self, chat: str) -> Volex:
        import copy

        acting = copy.copy(self.volex)  # shares the runtime; only the audit actor differs
        acting.actor = f"telegram-{chat}"
        return acting

    def _send(self, chat: str, text: str, markup: dict[str, Any] | None = None) -> None:
        from volex.adapters.secrets.redact import redact_text

        payload: dict[str, Any] = {"chat_id": chat, "text": redact_text(text)[:_MESSAGE_MAX]}
        if markup:
            payload["reply_markup"] = markup
        self._call("sendMessage", payload)

    def _call(self, method: str, payload: dict[str, Any]) -> Any:
        import httpx

        try:
            response = self._http.post(method, json={k: v for k, v in payload.items()
                                                     if v is not None})
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            # The URL holds the token: say which method failed, never the URL.
            raise NetworkError(f"Bot API {method} failed ({type(exc).__name__})") from None
        if not body.get("ok"):
            raise NetworkError(f"Bot API {method} refused: {body.get('description', '?')}")
        return body.get("result")

    def close(self) -> None:
        self._http.close()


def render(answer: dict[str, Any]) -> str:
    """A chat-sized account of an ask answer: the steps, then each result in short."""
    if "help" in answer:
        return "Things you can say:\n" + "\n".join(answer["help"])
    lines = [f"$ {step}" for step in answer.get("steps", [])]
    for item in answer.get("results", []):
        lines.append(_short(item))
    if answer.get("message"):
        lines.append(answer["message"].replace('send "confirm": true', "confirm"))
    return "\n".join(lines)


def _short(item: dict[str, Any]) -> str:
    if "plan" in item:
        plan = item["plan"]
        request = plan["request"]
        return (f"plan: {request['side']} {request['amount']} {request['symbol']} at ~"
                f"{plan['price']} ({plan['quote_amount']} {plan['quote_currency']})")
    result = item.get("result")
    if item.get("intent") == "analyze":
        return "\n".join(f"{a['symbol']} {a['timeframe']}: {a['verdict']['action']} "
                         f"(score {a['verdict']['score']:+.2f}, last {a['market']['last_close']})"
                         for a in result)
    if item.get("intent") == "halt":
        state = result["state"]
        word = {"HALTED": "halted", "REDUCE-ONLY": "halted, reduce-only"}.get(state["state"])
        return f"{word}: {state.get('reason') or 'no reason given'}" if word else "not halted"
    return json.dumps(result, default=str)[:1500]
