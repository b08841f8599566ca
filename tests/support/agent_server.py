"""A real `volex serve` app on loopback (uvicorn in a thread), with tokens of each role."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from volex import Volex

__all__ = ["Served", "free_port", "serving"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Served:
    """A running server: its URL, the facade behind it and a token per role."""

    url: str
    volex: Volex
    tokens: dict[str, str] = field(default_factory=dict)
    server: object = None

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def stop(self) -> None:
        self.server.should_exit = True  # type: ignore[attr-defined]


@contextmanager
def serving(volex: Volex, agents: tuple[str, ...] | None = None, *, port: int | None = None,
            tokens: bool = True, tls: tuple[str, str] | None = None) -> Iterator[Served]:
    """Serve ``volex``'s agents until the block ends; tokens named after their roles;
    ``tls`` is (certificate file, key file) for https."""
    import uvicorn

    from volex.agents.server import SERVABLE, create_app

    made = {}
    if tokens:
        for role in ("viewer", "trader", "admin"):
            existing = {t.name for t in volex.tokens()}
            name = f"{role}-{port or 'x'}" if f"{role}-token" in existing else f"{role}-token"
            made[role] = volex.create_token(name, role)[0]
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(volex, agents or SERVABLE), host="127.0.0.1",
                                           port=port, log_level="error",
                                           ssl_certfile=tls[0] if tls else None,
                                           ssl_keyfile=tls[1] if tls else None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield Served(f"{'https' if tls else 'http'}://127.0.0.1:{port}", volex, made, server)
    finally:
        server.should_exit = True
        thread.join(10)
