"""A small OpenAI-compatible HTTP server on a free loopback port, for tests of LLM callers.

It answers ``POST /v1/chat/completions`` with canned replies (a queue, or a handler called
with each request), can be slow or fail on demand, and records every request::

    with OpenAIServer() as server:
        server.reply_json({"intent": "halt"})
        server.fail(503)
        server.reply_json({...}, delay_s=2.0)
        llm = OpenAILLM("test-model", base_url=server.base_url, api_key="sk-test")
        ...
        assert server.requests[0].json["model"] == "test-model"
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

__all__ = ["OpenAIServer", "Reply", "Request", "serve_for_volex"]


@dataclass
class Request:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    json: dict[str, Any] | None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return (self.json or {}).get("messages", [])

    @property
    def user_text(self) -> str:
        return next((m["content"] for m in self.messages if m.get("role") == "user"), "")


@dataclass
class Reply:
    """What to answer: a chat completion with ``content``, or an error ``status``."""

    content: str | None = None
    status: int = 200
    error: str = "error"
    delay_s: float = 0.0
    usage: tuple[int, int] = (12, 7)
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self, model: str) -> dict[str, Any]:
        if self.status != 200:
            return {"error": {"message": self.error, "type": "server_error", "code": None}}
        prompt, completion = self.usage
        return {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": self.content},
                "finish_reason": "stop",
            }],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                      "total_tokens": prompt + completion},
            **self.extra,
        }


Handler = Callable[[Request], Reply]


class OpenAIServer:
    """The server; a context manager that starts it on 127.0.0.1 and a free port."""

    def __init__(self, handler: Handler | None = None) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self._replies: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- what to answer --------------------------------------------------------------------

    def reply(self, reply: Reply) -> None:
        """Queue ``reply`` for the next chat completion."""
        with self._lock:
            self._replies.append(reply)

    def reply_json(self, data: Any, *, delay_s: float = 0.0, usage: tuple[int, int] = (12, 7)
                   ) -> None:
        """Queue a completion whose content is ``data`` as JSON."""
        self.reply(Reply(content=json.dumps(data), delay_s=delay_s, usage=usage))

    def reply_text(self, content: str, *, delay_s: float = 0.0) -> None:
        """Queue a completion whose content is ``content`` as is (e.g. not JSON)."""
        self.reply(Reply(content=content, delay_s=delay_s))

    def fail(self, status: int = 500, message: str = "internal error", *, delay_s: float = 0.0
             ) -> None:
        """Queue an HTTP error answer."""
        self.reply(Reply(status=status, error=message, delay_s=delay_s))

    def _next_reply(self, request: Request) -> Reply:
        with self._lock:
            if self._replies:
                return self._replies.popleft()
        if self.handler is not None:
            return self.handler(request)
        return Reply(status=500, error="no reply queued in the test server")

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> Self:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                pass

            def _read(self) -> Request:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except json.JSONDecodeError:
                    body = None
                request = Request(self.command, self.path,
                                  {k.lower(): v for k, v in self.headers.items()}, body)
                with server._lock:
                    server.requests.append(request)
                return request

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): nothing to do

            def do_GET(self) -> None:
                self._read()
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [
                        {"id": "test-model", "object": "model", "owned_by": "tests"}]})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                request = self._read()
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": f"no route {self.path}"}})
                    return
                reply = server._next_reply(request)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                model = (request.json or {}).get("model", "test-model")
                self._send(reply.status, reply.body(model))

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True, name="openai-test-server")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


@contextmanager
def serve_for_volex(monkeypatch: Any, model: str = "test-model") -> Iterator[OpenAIServer]:
    """A running server with Volex's ``[llm]`` settings pointed at it (through VOLEX_* env)."""
    with OpenAIServer() as server:
        for name, value in {"VOLEX_LLM__PROVIDER": "openai", "VOLEX_LLM__BASE_URL": server.base_url,
                            "VOLEX_LLM__MODEL": model, "VOLEX_LLM__TIMEOUT_S": "2"}.items():
            monkeypatch.setenv(name, value)
        yield server
