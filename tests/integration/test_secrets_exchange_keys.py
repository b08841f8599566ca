"""`volex secrets check` on exchange keys, against the loopback Binance simulator over HTTP:
keys that work and cannot withdraw pass, keys that can withdraw or are wrong fail."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.binance_sim import FAKE_KEY, FAKE_SECRET, BinanceSim
from volex.adapters.secrets.redact import redact_text, remember
from volex.agents.monitor import Check, MonitorAgent, key_probe

RESTRICTIONS = ("GET", "/sapi/v1/account/apiRestrictions")


class RestrictedSim(BinanceSim):
    """The simulator plus Binance's API-key permissions endpoint (signed)."""

    can_withdraw = False
    has_endpoint = True

    def routes(self) -> dict:
        routes = super().routes()
        if self.has_endpoint:
            routes[RESTRICTIONS] = (lambda _params: {
                "ipRestrict": False, "enableReading": True, "enableSpotAndMarginTrading": True,
                "enableWithdrawals": self.can_withdraw, "enableFutures": False}, True)
        return routes


@pytest.fixture
def sim() -> RestrictedSim:
    server = RestrictedSim(balances={"USDT": "1000"}).start()
    yield server
    server.stop()


def check(sim: BinanceSim, key: str, secret: str) -> Any:
    def client() -> Any:
        import ccxt

        return ccxt.binance({**sim.client_config(), "apiKey": key, "secret": secret,
                             "timeout": 3000})

    remember([key, secret])
    agent = MonitorAgent(timeout_s=10, redact=redact_text)
    return agent.check([Check("keys binance", key_probe(client), "re-enter it")])[0]


def test_trading_only_keys_pass(sim: RestrictedSim) -> None:
    health = check(sim, FAKE_KEY, FAKE_SECRET)
    assert (health.status, health.detail) == ("ok", "keys work; withdrawals disabled")
    assert any(r.path == RESTRICTIONS[1] for r in sim.requests)


def test_keys_that_can_withdraw_fail(sim: RestrictedSim) -> None:
    sim.can_withdraw = True
    health = check(sim, FAKE_KEY, FAKE_SECRET)
    assert health.status == "fail" and "CAN WITHDRAW" in health.detail
    assert health.hint == "re-enter it"


def test_a_venue_that_cannot_tell_is_a_warning(sim: RestrictedSim) -> None:
    sim.has_endpoint = False  # like Binance's testnet
    health = check(sim, FAKE_KEY, FAKE_SECRET)
    assert health.status == "warn" and "could not read their withdrawal permission" in health.detail


def test_wrong_keys_fail_without_showing_them(sim: RestrictedSim) -> None:
    wrong_secret = "wrong-secret-for-the-simulator-000000000000000000"
    health = check(sim, FAKE_KEY, wrong_secret)
    assert health.status == "fail"
    assert FAKE_KEY not in health.detail and wrong_secret not in health.detail
