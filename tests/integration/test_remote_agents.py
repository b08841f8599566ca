"""Agents over HTTP: a real server on loopback, and a Volex whose research agent is remote."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from volex import Volex
from volex.config import AgentSettings
from volex.errors import DataUnavailable, NetworkError, UnknownTimeframe


@dataclass
class Served:
    url: str
    volex: Volex


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def agent_server(tmp_path) -> Iterator[Served]:
    import uvicorn

    from volex.agents.server import create_app

    server_side = Volex(offline=True, database_url=f"sqlite:///{tmp_path}/server.db")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(server_side), host="127.0.0.1", port=port,
                                           log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield Served(f"http://127.0.0.1:{port}", server_side)
    server.should_exit = True
    thread.join(5)
    server_side.close()


def _remote(url: str) -> Volex:
    return Volex(agents={"research": AgentSettings(url=url), "signal": AgentSettings(url=url)})


def test_remote_analysis_equals_the_local_one(agent_server: Served) -> None:
    with _remote(agent_server.url) as remote, Volex(offline=True) as local:
        there = remote.analyze("ETH", "2h", offline=True)
        here = local.analyze("ETH", "2h")
    assert there == here
    assert there.source.kind == "sample"


def test_remote_candles_round_trip(agent_server: Served) -> None:
    with _remote(agent_server.url) as remote, Volex(offline=True) as local:
        there = remote.candles("DOGE/USDT", "2h", offline=True, bars=300)
        here = local.candles("DOGE/USDT", "2h", bars=300)
    assert there.frame.equals(here.frame)
    assert there.source == here.source


def test_remote_errors_are_the_same_errors(agent_server: Served) -> None:
    with _remote(agent_server.url) as remote:
        with pytest.raises(DataUnavailable, match="bundled sample lacks it"):
            remote.analyze("FOO/USDT", "1h", offline=True)
        with pytest.raises(UnknownTimeframe):
            remote.runtime.research.analyze("BTC/USDT", "7x", "binance", offline=True)


def test_an_unreachable_agent_is_a_network_error() -> None:
    with _remote(f"http://127.0.0.1:{_free_port()}") as remote, pytest.raises(NetworkError, match="unreachable"):
        remote.analyze("BTC/USDT", offline=True)


def test_remote_signal_agent_decides_on_the_candles_it_is_sent(agent_server: Served) -> None:
    from tests.support.signal_models import small_model
    from volex.ml.registry import ModelRegistry

    ModelRegistry().save(small_model("BTC/USDT", "2h", bars=3000))
    with _remote(agent_server.url) as remote, Volex(offline=True) as local:
        assert remote.has_model("BTC/USDT", "2h")
        there = remote.decide("BTC/USDT", "2h", offline=True, llm=False)
        here = local.decide("BTC/USDT", "2h", llm=False)
        board = remote.signals(["BTC/USDT", "ETH/USDT"], "2h", offline=True, llm=False)
    assert (there.action, there.confidence, there.reasons) == (here.action, here.confidence, here.reasons)
    assert there.inputs_digest == here.inputs_digest
    assert [d.symbol for d in board.decisions] == ["BTC/USDT", "ETH/USDT"]
    server_repo = agent_server.volex.runtime.signal.repo
    assert server_repo.get(there.id) == there, "the remote decision was not stored where it was made"
