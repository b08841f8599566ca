"""A loopback Binance spot REST simulator with fault injection, for ccxt's ``binance`` class.

It speaks the subset of the Binance spot API that ccxt uses for markets, tickers, candles,
balances, orders, OCO order lists and trades (no /sapi: ``client_config()`` turns off the ccxt
options that would call it), signs like Binance (HMAC-SHA256 over the query string and body, with
``timestamp`` and ``recvWindow`` checked when the request is processed), and answers errors
with Binance's real status codes and ``{"code", "msg"}`` bodies.

    with BinanceSim(balances={"USDT": "10000"}) as sim:
        client = ccxt.binance({**sim.client_config(), "apiKey": FAKE_KEY, "secret": FAKE_SECRET})
        sim.inject(Fault("drop_after_accept"))        # next POST /api/v3/order: book, no answer
        sim.restart(downtime_s=0.5)                    # unreachable for a while, state kept

Faults apply to the next ``times`` requests that match ``method`` and ``path``:

    delay               sleep, then process (a slow venue; recvWindow may then reject it)
    delay_after_accept  process, then sleep before answering (the client times out)
    error               answer ``status`` (5xx) without processing
    error_after_accept  process, then answer ``status`` (Binance: "execution status unknown")
    rate_limit          answer 429 with ``Retry-After: retry_after_s`` without processing
    drop                close the socket without an answer, without processing
    drop_after_accept   process, then close the socket without an answer
    restart_after_accept  process, drop the answer, and be down for ``downtime_s``

``clock_offset_ms`` skews the venue's clock (Binance answers -1021 to requests from the future
or older than their ``recvWindow``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, urlsplit

from tests.support.binance_engine import BinanceApiError, BinanceEngine, now_ms

__all__ = ["FAKE_KEY", "FAKE_SECRET", "BinanceSim", "Fault", "Request", "loopback_urls"]

FAKE_KEY = "fake-loopback-api-key-0000000000000000000000000000000000000000000000"
FAKE_SECRET = "fake-loopback-secret-1111111111111111111111111111111111111111111111"

FaultKind = Literal["delay", "delay_after_accept", "error", "error_after_accept", "rate_limit",
                    "drop", "drop_after_accept", "restart_after_accept"]
Handler = Callable[[dict[str, str]], Any]


@dataclass
class Fault:
    """A misbehaviour for the next ``times`` requests to ``method path``."""

    kind: FaultKind
    path: str = "/api/v3/order"
    method: str | None = "POST"
    times: int = 1
    delay_s: float = 0.0
    status: int = 503
    retry_after_s: int = 1
    downtime_s: float = 0.5

    def matches(self, method: str, path: str) -> bool:
        return self.times > 0 and path == self.path and self.method in (None, method)


@dataclass(frozen=True)
class Request:
    """One request the simulator received (for assertions on what the client sent)."""

    method: str
    path: str
    params: dict[str, str]
    at: float


class _Dropped(Exception):
    """Close the connection without an answer."""


def loopback_urls(urls: dict[str, str], base: str) -> dict[str, str]:
    """Every ccxt API url rewritten to ``base`` + its path (``https://api.binance.com/api/v3``
    -> ``http://127.0.0.1:PORT/api/v3``)."""
    return {name: base + urlsplit(url).path for name, url in urls.items()}


@functools.cache
def _binance_urls() -> tuple[dict[str, str], dict[str, str]]:
    """ccxt binance's live and testnet API urls (read once)."""
    import ccxt

    template = ccxt.binance()
    return dict(template.urls["api"]), dict(template.urls["test"])


class BinanceSim:
    """The HTTP front end over a BinanceEngine; start, stop and restart keep the engine."""

    def __init__(self, balances: dict[str, str] | None = None,
                 keys: dict[str, str] | None = None, engine: BinanceEngine | None = None) -> None:
        self.engine = engine or BinanceEngine(balances, keys or {FAKE_KEY: FAKE_SECRET})
        self.requests: list[Request] = []
        self.port = 0
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.up = False
        self.clock_offset_ms = 0  # the venue's clock minus ours (a skewed venue clock)
        self.echo_key = False  # -2015 repeats the key it refused (as some venues' errors do)

    def server_ms(self) -> int:
        return now_ms() + self.clock_offset_ms

    # ----- lifecycle -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BinanceSim:
        sim = self

        class _Handler(_BinanceHandler):
            simulator = sim

        server = ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"binance-sim-{self.port}", daemon=True)
        self._thread.start()
        self.up = True
        return self

    def stop(self) -> None:
        """Stop listening; requests in flight lose their answer. The engine keeps its state."""
        self.up = False
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def restart(self, downtime_s: float = 0.0, keep_state: bool = True) -> None:
        """Stop, stay down ``downtime_s`` (in the background), start on the same port."""
        self.stop()
        if not keep_state:
            self.engine = BinanceEngine(keys=self.engine.keys)
        if downtime_s <= 0:
            self.start()
        else:
            threading.Timer(downtime_s, self.start).start()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----- faults and records ----------------------------------------------------------------
    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    return fault
        return None

    def record(self, method: str, path: str, params: dict[str, str]) -> None:
        with self._lock:
            self.requests.append(Request(method, path, params, time.monotonic()))

    def sent(self, method: str, path: str) -> list[Request]:
        """Requests received for ``method path``, oldest first."""
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path == path]

    def client_config(self, api: dict[str, str] | None = None) -> dict[str, Any]:
        """ccxt constructor settings pointing every binance URL (live and testnet) here."""
        test = api
        if api is None:
            api, test = _binance_urls()
        urls = {"api": loopback_urls(api, self.url), "test": loopback_urls(test, self.url)}
        return {"urls": urls,
                "options": {"fetchCurrencies": False, "fetchMargins": False,
                            "fetchMarkets": {"types": ["spot"]}}}

    # ----- routing -------------------------------------------------------------------------
    def routes(self) -> dict[tuple[str, str], tuple[Handler, bool]]:
        """(method, path) -> (handler, signed)."""
        e = self.engine

        def klines(p: dict[str, str]) -> Any:
            start, end = p.get("startTime"), p.get("endTime")
            return e.klines(p.get("symbol", ""), p.get("interval", ""),
                            int(start) if start else None, int(end) if end else None,
                            int(p.get("limit") or 500))

        def tickers(p: dict[str, str]) -> Any:
            return e.ticker(p["symbol"]) if "symbol" in p else [
                e.ticker(s) for s in e.markets]

        def prices(p: dict[str, str]) -> Any:
            rows = [{"symbol": s, "price": f"{e.price(s):.8f}"}
                    for s in ([p["symbol"]] if "symbol" in p else e.markets)]
            return rows[0] if "symbol" in p else rows

        def books(p: dict[str, str]) -> Any:
            rows = [{k: t[k] for k in ("symbol", "bidPrice", "bidQty", "askPrice", "askQty")}
                    for t in ([tickers(p)] if "symbol" in p else tickers(p))]
            return rows[0] if "symbol" in p else rows

        return {
            ("GET", "/api/v3/ping"): (lambda p: {}, False),
            ("GET", "/api/v3/time"): (lambda p: {"serverTime": self.server_ms()}, False),
            ("GET", "/api/v3/exchangeInfo"): (lambda p: e.exchange_info(), False),
            ("GET", "/api/v3/klines"): (klines, False),
            ("GET", "/api/v3/ticker/24hr"): (tickers, False),
            ("GET", "/api/v3/ticker/price"): (prices, False),
            ("GET", "/api/v3/ticker/bookTicker"): (books, False),
            ("GET", "/api/v3/account"): (lambda p: e.account(), True),
            ("POST", "/api/v3/order"): (e.new_order, True),
            ("POST", "/api/v3/orderList/oco"): (e.new_oco, True),
            ("GET", "/api/v3/order"): (lambda p: e.find(p).to_json(), True),
            ("DELETE", "/api/v3/order"): (e.cancel, True),
            ("GET", "/api/v3/openOrders"): (lambda p: e.open_orders(p.get("symbol")), True),
            ("GET", "/api/v3/myTrades"): (e.my_trades, True),
        }

    def authenticate(self, headers: Any, query: str, body: str, params: dict[str, str]) -> None:
        """Binance's checks for a SIGNED endpoint, in Binance's order."""
        secret = self.engine.keys.get(headers.get("X-MBX-APIKEY", ""))
        if not headers.get("X-MBX-APIKEY"):
            raise BinanceApiError(401, -2014, "API-key format invalid.")
        if secret is None:
            echo = f" apikey={headers.get('X-MBX-APIKEY')}" if self.echo_key else ""
            raise BinanceApiError(401, -2015, "Invalid API-key, IP, or permissions for action."
                                  + echo)
        payload = "&".join(part for part in (query, body) if part).split("&signature=")[0]
        expected = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, params.get("signature", "")):
            raise BinanceApiError(400, -1022, "Signature for this request is not valid.")
        stamp = int(params.get("timestamp") or 0)
        window = int(params.get("recvWindow") or 5000)
        if stamp > self.server_ms() + 1000:
            raise BinanceApiError(400, -1021, "Timestamp for this request was 1000ms ahead of "
                                              "the server's time.")
        if self.server_ms() - stamp > window:
            raise BinanceApiError(400, -1021, "Timestamp for this request is outside of the "
                                              "recvWindow.")


class _BinanceHandler(BaseHTTPRequestHandler):
    simulator: BinanceSim
    server_version = "BinanceSim/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``BinanceSim.requests`` instead."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        sim = self.simulator
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        params = dict(parse_qsl(parts.query)) | dict(parse_qsl(body))
        sim.record(method, parts.path, params)
        fault = sim.take_fault(method, parts.path)
        try:
            status, answer = self._answer(method, parts.path, parts.query, body, params, fault)
            if not sim.up:
                raise _Dropped
            self._send(status, answer, fault)
        except _Dropped:
            self._drop()

    def _answer(self, method: str, path: str, query: str, body: str, params: dict[str, str],
                fault: Fault | None) -> tuple[int, Any]:
        sim = self.simulator
        kind = fault.kind if fault else None
        if kind == "delay":
            time.sleep(fault.delay_s)  # type: ignore[union-attr]
        if kind == "rate_limit":
            return 429, {"code": -1003, "msg": "Too many requests; current limit of IP(127.0.0.1) "
                         "request weight is 6000 per 1 MINUTE. Please use WebSocket Streams for "
                         "live updates to avoid bans."}
        if kind == "error":
            return fault.status, "Service Unavailable."  # type: ignore[union-attr]
        if kind == "drop":
            raise _Dropped
        route = sim.routes().get((method, path))
        if route is None:
            return 404, ""
        handler, signed = route
        try:
            if signed:
                sim.authenticate(self.headers, query, body, params)
            status, answer = 200, handler(params)
        except BinanceApiError as exc:
            status, answer = exc.status, {"code": exc.code, "msg": exc.msg}
        if kind == "delay_after_accept":
            time.sleep(fault.delay_s)  # type: ignore[union-attr]
        elif kind == "error_after_accept":
            return fault.status, "Service Unavailable."  # type: ignore[union-attr]
        elif kind in {"drop_after_accept", "restart_after_accept"}:
            if kind == "restart_after_accept":
                sim.up = False
                downtime = fault.downtime_s  # type: ignore[union-attr]
                threading.Thread(target=sim.restart, args=(downtime,), daemon=True).start()
            raise _Dropped
        return status, answer

    def _send(self, status: int, answer: Any, fault: Fault | None) -> None:
        data = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
        self.send_response(status)
        ctype = "text/html" if isinstance(answer, str) else "application/json;charset=UTF-8"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-mbx-used-weight-1m", "1")
        if status == 429 and fault is not None:
            self.send_header("Retry-After", str(fault.retry_after_s))
        self.end_headers()
        self.wfile.write(data)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
