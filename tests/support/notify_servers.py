"""Loopback servers that speak notification services' APIs, for the real apprise library.

``HookServer`` answers HTTP POSTs the way the Telegram Bot API (``/bot<TOKEN>/sendMessage``),
Discord and Slack webhooks and a plain JSON webhook do; ``fail_next`` makes it answer 500 a
number of times first, ``hang`` makes it never answer. ``MailServer`` is an aiosmtpd SMTP
server keeping what it receives.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["HookServer", "MailServer", "Received"]


@dataclass
class Received:
    path: str
    body: Any
    at: float = field(default_factory=time.monotonic)


class HookServer:
    """A threaded HTTP server on 127.0.0.1 recording every POST it answers with success."""

    def __init__(self, port: int = 0) -> None:
        self.received: list[Received] = []
        self.attempts = 0
        self.fail_next = 0
        self.hang = threading.Event()
        self._release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.attempts += 1
                if outer.hang.is_set():
                    outer._release.wait(30)
                    return
                if outer.fail_next > 0:
                    outer.fail_next -= 1
                    self._answer(500, b'{"ok": false, "description": "Internal Server Error"}')
                    return
                try:
                    body: Any = json.loads(raw)
                except ValueError:
                    body = raw.decode(errors="replace")
                outer.received.append(Received(self.path, body))
                if self.path.endswith("/sendMessage"):
                    answer = {"ok": True, "result": {"message_id": len(outer.received),
                                                     "chat": {"id": body.get("chat_id")}}}
                    self._answer(200, json.dumps(answer).encode())
                elif "/webhooks/" in self.path:
                    self._answer(204, b"")
                else:
                    self._answer(200, b"ok")

            def _answer(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if payload:
                    self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def wait_for(self, count: int = 1, timeout_s: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return True
            time.sleep(0.02)
        return len(self.received) >= count

    def texts(self) -> list[str]:
        """What each received message said (Telegram text, Discord/Slack/JSON fields)."""
        out = []
        for got in self.received:
            body = got.body if isinstance(got.body, dict) else {}
            out.append(str(body.get("text") or body.get("content") or body.get("message")
                           or body.get("attachments") or body or got.body))
        return out

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()


class MailServer:
    """An SMTP server (aiosmtpd) on 127.0.0.1 keeping each message's raw text."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[str] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                outer.messages.append(envelope.content.decode(errors="replace"))
                return "250 OK"

        import socket

        with socket.socket() as probe:  # aiosmtpd needs a port number: take a free one
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def close(self) -> None:
        self._controller.stop()
