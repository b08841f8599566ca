"""A loopback HTTP server that serves news feeds as the real sites do, for tests of the news
adapters through the real httpx and feedparser.

Routes map a path (query string ignored unless the route names one) to a body, a content
type, a status and an optional delay; every request is recorded::

    with NewsServer() as server:
        server.route("/rss", feed_file("coindesk_rss.xml"), "application/rss+xml")
        url = server.url("/rss")
        ...
        assert server.requests[0].query["q"] == ["bitcoin"]
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import parse_qs, urlsplit

__all__ = ["FEEDS", "NewsServer", "feed_file"]

FEEDS = Path(__file__).resolve().parents[1] / "data" / "news"


_PLACEHOLDER = re.compile(rb"\{(AGO_(\d+)H(_ISO)?|DAY_(\d+))\}")


def feed_file(name: str, now: datetime | None = None) -> bytes:
    """A feed file with its times filled in relative to ``now``: ``{AGO_5H}`` (RFC 2822, as
    RSS writes it), ``{AGO_5H_ISO}`` (ISO 8601, Atom and JSON), ``{DAY_1}`` (epoch seconds of
    the UTC midnight a day back, as alternative.me writes it)."""
    now = now or datetime.now(UTC)

    def fill(match: re.Match[bytes]) -> bytes:
        if match.group(4) is not None:
            day = now.replace(hour=0, minute=0, second=0, microsecond=0)
            return str(int((day - timedelta(days=int(match.group(4)))).timestamp())).encode()
        when = now - timedelta(hours=int(match.group(2)))
        text = when.strftime("%Y-%m-%dT%H:%M:%SZ") if match.group(3) else format_datetime(when)
        return text.encode()

    return _PLACEHOLDER.sub(fill, (FEEDS / name).read_bytes())


@dataclass
class Route:
    body: bytes
    content_type: str
    status: int = 200
    delay_s: float = 0.0
    drip_s: float = 0.0  # a pause between chunks: a server that never quite finishes


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class NewsServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                server.requests.append(Seen(parts.path, parse_qs(parts.query),
                                            {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(parts.path)
                if route is None:
                    self.send_error(404)
                    return
                time.sleep(route.delay_s)
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                try:
                    if route.drip_s:
                        for start in range(0, len(route.body), 64):
                            self.wfile.write(route.body[start:start + 64])
                            self.wfile.flush()
                            time.sleep(route.drip_s)
                    else:
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, path: str, body: bytes | str, content_type: str = "application/rss+xml",
              **kwargs: float) -> str:
        """Serve ``body`` at ``path``; returns the full URL."""
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(data, content_type, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
