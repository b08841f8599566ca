"""Offline means offline everywhere: a command that needs the network says so in one line.

`offline = true` (config or VOLEX_OFFLINE) was once ignored by `volex data fetch`, which went
to the network and failed there.
"""

from __future__ import annotations

import socket

import pytest

from tests.support.cli import one_line_error, run


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record (and refuse) every connection attempt."""
    tried: list[object] = []

    def connect(self: socket.socket, address: object) -> None:
        tried.append(address)
        raise OSError("the test allows no connection")

    monkeypatch.setattr(socket.socket, "connect", connect)
    return tried


@pytest.mark.parametrize("how", ["env", "config"])
def test_data_fetch_offline_says_it_needs_the_network_and_tries_nothing(
        how: str, monkeypatch: pytest.MonkeyPatch, no_network: list[object]) -> None:
    if how == "env":
        monkeypatch.setenv("VOLEX_OFFLINE", "true")
    else:
        assert run("config", "set", "offline", "true").exit_code == 0
    message = one_line_error(run("data", "fetch", "BTC/USDT"), 2)
    assert "needs the network" in message and "offline" in message
    assert no_network == []


def test_a_live_order_offline_is_refused_before_anything_is_sent(
        monkeypatch: pytest.MonkeyPatch, no_network: list[object]) -> None:
    assert run("config", "set", "trading.mode", "live").exit_code == 0
    message = one_line_error(run("buy", "btc", "--quote", "50", "--live", "--offline", "--yes"), 2)
    assert "--live needs the network" in message and no_network == []
