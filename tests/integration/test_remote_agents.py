"""Agents over HTTP: a real server on loopback, and a Volex whose research agent is remote."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.test_live_cli import loopback_only  # noqa: F401  (fixture)
from tests.support.agent_server import Served, free_port, serving
from volex import Volex
from volex.config import AgentSettings
from volex.errors import AccessDenied, DataUnavailable, NetworkError, UnknownTimeframe


@pytest.fixture
def agent_server(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """A server whose viewer token this machine holds in its secret store (env backend)."""
    server_side = Volex(offline=True, database_url=f"sqlite:///{tmp_path}/server.db")
    with serving(server_side, ("research", "signal")) as served:
        for agent in ("RESEARCH", "SIGNAL"):
            monkeypatch.setenv(f"VOLEX_AGENT_{agent}_API_KEY", served.tokens["viewer"])
        yield served
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
    with _remote(f"http://127.0.0.1:{free_port()}") as remote, pytest.raises(NetworkError, match="unreachable"):
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


def test_a_client_without_its_token_is_refused(agent_server: Served,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOLEX_AGENT_RESEARCH_API_KEY")
    with _remote(agent_server.url) as remote, pytest.raises(AccessDenied, match="needs a token"):
        remote.analyze("BTC/USDT", offline=True)


def test_a_viewer_cannot_train_the_served_model(agent_server: Served) -> None:
    with _remote(agent_server.url) as remote, pytest.raises(AccessDenied, match="admin token"):
        remote.decide("BTC/USDT", "2h", offline=True, train=True, llm=False)
    assert not agent_server.volex.has_model("BTC/USDT", "2h"), "a viewer's request trained a model"


def test_data_fetch_through_a_remote_research_agent(tmp_path, monkeypatch: pytest.MonkeyPatch,
                                                    loopback_only: None) -> None:  # noqa: F811
    """Every method the facade calls on research exists remotely: `volex data fetch` fills the
    serving machine's cache, and the client machine's CLI says what it cached."""
    from tests.support.binance_sim import BinanceSim
    from tests.support.cli import run
    from volex.config import ExchangeSettings

    with BinanceSim() as venue:
        server_side = Volex(database_url=f"sqlite:///{tmp_path}/server.db", network_timeout_s=1.0,
                            exchanges={"binance": ExchangeSettings(api_base=venue.url,
                                                                   rate_limit=False)})
        with serving(server_side, ("research",)) as served:
            monkeypatch.setenv("VOLEX_AGENT_RESEARCH_API_KEY", served.tokens["trader"])
            assert run("config", "set", "agents.research.url", f'"{served.url}"').exit_code == 0
            fetched = run("data", "fetch", "BTC/USDT", "--timeframe", "2h", "--since", "2025-08-01")
            assert fetched.exit_code == 0, fetched.output
            assert "cached" in fetched.output and "bars of BTC/USDT" in fetched.output
            [series] = server_side.cached_data()
            assert (series.symbol, series.timeframe) == ("BTC/USDT", "2h") and series.bars > 100
            assert any(r.actor == "trader-token" and r.action == "data.fetch"
                       for r in server_side.audit())
            monkeypatch.setenv("VOLEX_AGENT_RESEARCH_API_KEY", served.tokens["viewer"])
            refused = run("data", "fetch", "ETH/USDT", "--timeframe", "2h")
            assert refused.exit_code == 1 and "needs a trader token" in refused.output
        server_side.close()


def test_every_method_the_facade_calls_on_an_agent_exists_remotely() -> None:
    from volex.agents.base import Research, Signals
    from volex.agents.remote import RemoteResearch, RemoteSignals

    for protocol, remote in [(Research, RemoteResearch), (Signals, RemoteSignals)]:
        wanted = {n for n in dir(protocol) if not n.startswith("_")}
        assert wanted <= set(dir(remote)), f"{remote.__name__} lacks {wanted - set(dir(remote))}"


def test_replicas_share_the_calls_and_one_stopping_loses_none(tmp_path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Two replicas over one store: calls alternate; one stops mid-run; every call succeeds."""
    import threading

    url = f"sqlite:///{tmp_path}/shared.db"
    first, second = Volex(offline=True, database_url=url), Volex(offline=True, database_url=url)
    with serving(first, ("research",)) as one, serving(second, ("research",), tokens=False) as two:
        monkeypatch.setenv("VOLEX_AGENT_RESEARCH_API_KEY", one.tokens["viewer"])
        client = Volex(agents={"research": AgentSettings(url=[one.url, two.url])})
        expected = client.analyze("ETH/USDT", "2h", offline=True)
        results, failures = [], []

        def call_many() -> None:
            for _ in range(40):
                try:
                    results.append(client.analyze("ETH/USDT", "2h", offline=True))
                except Exception as exc:  # noqa: BLE001  (the test counts every failure)
                    failures.append(exc)

        worker = threading.Thread(target=call_many)
        worker.start()
        while len(results) < 10 and worker.is_alive():
            threading.Event().wait(0.01)
        one.stop()
        worker.join(60)
        client.close()
    first.close()
    second.close()
    assert failures == [], f"calls failed when a replica stopped: {failures[:3]}"
    assert len(results) == 40 and all(r == expected for r in results)


def test_an_admin_may_train_remotely_and_it_is_audited(agent_server: Served,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_AGENT_SIGNAL_API_KEY", agent_server.tokens["admin"])
    with _remote(agent_server.url) as remote:
        decision = remote.decide("DOGE/USDT", "2h", offline=True, train=True, llm=False)
    assert decision.symbol == "DOGE/USDT"
    assert agent_server.volex.has_model("DOGE/USDT", "2h")
    assert any(r.actor == "admin-token" and r.action == "model.train"
               for r in agent_server.volex.audit())


def test_an_https_agent_is_trusted_through_its_ca_file_only(tmp_path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    server_side = Volex(offline=True, database_url=f"sqlite:///{tmp_path}/server.db")
    with serving(server_side, ("research",), tls=(str(cert), str(key))) as served:
        monkeypatch.setenv("VOLEX_AGENT_RESEARCH_API_KEY", served.tokens["viewer"])
        assert served.url.startswith("https://")
        trusted = Volex(agents={"research": AgentSettings(url=served.url, ca_file=str(cert))})
        with trusted:
            assert trusted.analyze("ETH/USDT", "2h", offline=True).symbol == "ETH/USDT"
        with Volex(agents={"research": AgentSettings(url=served.url)}) as untrusted, \
                pytest.raises(NetworkError, match="unreachable: ConnectError"):
            untrusted.analyze("ETH/USDT", "2h", offline=True)
    server_side.close()
