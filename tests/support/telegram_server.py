"""A loopback server speaking the Telegram Bot API's getUpdates, sendMessage and
answerCallbackQuery, for driving a bot with the real HTTP client and no network."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["BotApi"]


class BotApi:
    """Queue updates as a chat would send them; read what the bot sent back."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.updates: list[dict[str, Any]] = []
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self._next_id = 1
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                prefix, _, method = self.path.lstrip("/").partition("/")
                if prefix != f"bot{api.token}":
                    self._reply(401, {"ok": False, "error_code": 401,
                                      "description": "Unauthorized"})
                    return
                self._reply(200, {"ok": True, "result": api.answer(method, body)})

            def _reply(self, status: int, answer: dict[str, Any]) -> None:
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def answer(self, method: str, body: dict[str, Any]) -> Any:
        if method == "getUpdates":
            deadline = time.monotonic() + min(float(body.get("timeout") or 0), 0.3)
            offset = body.get("offset") or 0
            while True:
                with self._lock:
                    waiting = [u for u in self.updates if u["update_id"] >= offset]
                if waiting or time.monotonic() >= deadline:
                    return waiting
                time.sleep(0.02)
        with self._lock:
            self.sent.append((method, body))
        return {"message_id": len(self.sent)} if method == "sendMessage" else True

    def say(self, chat: int, text: str) -> None:
        self._push({"message": {"message_id": self._next_id, "chat": {"id": chat, "type": "private"},
                                "date": int(time.time()), "text": text}})

    def press(self, chat: int, data: str) -> None:
        self._push({"callback_query": {"id": f"cb{self._next_id}", "data": data,
                                       "from": {"id": chat},
                                       "message": {"message_id": 1, "chat": {"id": chat}}}})

    def _push(self, update: dict[str, Any]) -> None:
        with self._lock:
            self.updates.append({"update_id": self._next_id, **update})
            self._next_id += 1

    def messages(self, chat: int) -> list[dict[str, Any]]:
        with self._lock:
            return [b for m, b in self.sent if m == "sendMessage" and str(b["chat_id"]) == str(chat)]

    def wait_for(self, chat: int, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.messages(chat)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        found = self.messages(chat)
        assert len(found) >= count, f"chat {chat} got {len(found)} message(s), wanted {count}"
        return found

    def close(self) -> None:
        self._server.shutdown()
