"""The live exchange adapter through ccxt's real binance client, against the loopback simulator.

Nothing here leaves 127.0.0.1. Every fault test asserts what a trader cares about: the venue
holds exactly one order per client order id, whatever went wrong on the way.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from tests.support.binance_sim import FAKE_KEY, FAKE_SECRET, BinanceSim, Fault
from volex import errors
from volex.adapters.exchange.ccxt_exchange import CcxtExchange
from volex.adapters.exchange.retry import RetryPolicy
from volex.domain.orders import OrderRequest

TIMEOUT_S = 0.5
FAST = RetryPolicy(base_delay_s=0.05, max_delay_s=0.4, in_flight_margin_s=0.05)
KEYS = {"api_key": FAKE_KEY, "secret": FAKE_SECRET}


@pytest.fixture
def sim() -> Iterator[BinanceSim]:
    with BinanceSim(balances={"USDT": "10000", "BTC": "0.5"}) as running:
        yield running


@pytest.fixture
def connect(sim: BinanceSim) -> Callable[..., CcxtExchange]:
    def make(keys: dict[str, str] | None = KEYS, sandbox: bool = False,
             config: dict | None = None) -> CcxtExchange:
        settings = {**(config or sim.client_config()), "enableRateLimit": False}
        return CcxtExchange("binance", keys, sandbox, TIMEOUT_S, settings, retry=FAST)

    return make


@pytest.fixture
def exchange(connect: Callable[..., CcxtExchange]) -> CcxtExchange:
    return connect()


def buy(amount: str = "0.01", **extra: object) -> OrderRequest:
    return OrderRequest(symbol="BTC/USDT", side="buy", amount=Decimal(amount), **extra)


def wait_until_up(sim: BinanceSim) -> None:
    deadline = time.monotonic() + 3
    while not sim.up and time.monotonic() < deadline:
        time.sleep(0.05)


def last_published_bar(symbol: str, timeframe: str):
    """The newest bar of the bundled series the simulator serves (the forming one included)."""
    from volex.adapters.market_data.files import sample_candles

    return sample_candles(symbol, timeframe, closed_only=False).iloc[-1]


# -- market data and account ------------------------------------------------------------------

def test_markets_carry_the_venues_real_steps_and_minimums(exchange: CcxtExchange) -> None:
    btc = exchange.market("BTC/USDT")
    assert (btc.amount_step, btc.price_step) == (Decimal("0.00001"), Decimal("0.01"))
    assert (btc.min_amount, btc.min_cost) == (Decimal("0.00001"), Decimal(5))
    assert set(exchange.markets()) == {"BTC/USDT", "ETH/USDT", "DOGE/USDT"}


def test_ticker_and_candles_are_the_real_binance_data(sim: BinanceSim,
                                                      exchange: CcxtExchange) -> None:
    from volex.adapters.ccxt_common import make_client
    from volex.adapters.market_data.ccxt_data import CcxtMarketData

    last = last_published_bar("BTC/USDT", "2h")
    ticker = exchange.ticker("BTC/USDT")
    assert ticker.last == Decimal(repr(float(last["close"]))) and ticker.source == "exchange"
    assert ticker.bid is not None and ticker.ask is not None and ticker.bid < ticker.ask
    data = CcxtMarketData("binance", client=make_client("binance", TIMEOUT_S, sim.client_config()))
    candles = data.fetch_candles("BTC/USDT", "2h", limit=3)
    assert len(candles) == 3 and candles["close"].iloc[-1] == last["close"]
    assert candles["timestamp"].iloc[-1] == last["timestamp"]


def test_balances_show_what_the_account_holds(exchange: CcxtExchange) -> None:
    balances = exchange.balances()
    assert {a: b.total for a, b in balances.items()} == {"USDT": 10000, "BTC": Decimal("0.5")}


# -- orders ------------------------------------------------------------------------------------

def test_a_market_buy_fills_at_the_last_price_and_moves_balances(sim: BinanceSim,
                                                                 exchange: CcxtExchange) -> None:
    price = exchange.ticker("BTC/USDT").last
    order = exchange.create_order(buy("0.01"))
    assert (order.status, order.filled, order.average) == ("closed", Decimal("0.01"), price)
    balances = exchange.balances()
    assert balances["USDT"].total == 10000 - Decimal("0.01") * price
    assert balances["BTC"].total == Decimal("0.5") + Decimal("0.01") - order.fee
    [fill] = exchange.my_trades("BTC/USDT")
    assert (fill.order_id, fill.amount, fill.price) == (order.id, Decimal("0.01"), price)


def test_a_limit_order_rests_fills_when_the_price_crosses_and_cancels_cleanly(
        sim: BinanceSim, exchange: CcxtExchange) -> None:
    resting = exchange.create_order(buy("0.01", type="limit", price=Decimal(90000)))
    other = exchange.create_order(buy("0.01", type="limit", price=Decimal(80000)))
    assert [o.id for o in exchange.open_orders("BTC/USDT")] == [resting.id, other.id]
    assert exchange.balances()["USDT"].used == 1700
    sim.engine.set_price("BTCUSDT", "89999")
    assert exchange.fetch_order(resting.id, "BTC/USDT").status == "closed"
    canceled = exchange.cancel_order(other.id, "BTC/USDT")
    assert (canceled.status, canceled.client_order_id) == ("canceled", other.client_order_id)
    assert exchange.cancel_order(other.id, "BTC/USDT").status == "canceled"  # unchanged
    with pytest.raises(errors.InvalidOrder, match="closed; it cannot be canceled"):
        exchange.cancel_order(resting.id, "BTC/USDT")
    assert exchange.open_orders() == []


def test_amounts_and_prices_are_rounded_down_to_the_market_and_carry_the_client_id(
        sim: BinanceSim, exchange: CcxtExchange) -> None:
    request = buy("0.0123456789", type="limit", price=Decimal("50000.129"))
    order = exchange.create_order(request)
    [sent] = sim.sent("POST", "/api/v3/order")
    assert (sent.params["quantity"], sent.params["price"]) == ("0.01234", "50000.12")
    assert sent.params["newClientOrderId"] == request.client_order_id == order.client_order_id
    assert (order.amount, order.price) == (Decimal("0.01234"), Decimal("50000.12"))


def test_a_stop_loss_rests_and_sells_at_market_when_triggered(sim: BinanceSim,
                                                             exchange: CcxtExchange) -> None:
    stop = exchange.create_order(OrderRequest(symbol="BTC/USDT", side="sell", type="stop_loss",
                                              amount=Decimal("0.1"), price=Decimal(100000)))
    assert (stop.type, stop.status, stop.price) == ("stop_loss", "open", Decimal(100000))
    sim.engine.set_price("BTCUSDT", "99000")
    assert exchange.fetch_order(stop.id, "BTC/USDT").status == "closed"
    assert exchange.balances()["BTC"].total == Decimal("0.4")


def test_protective_orders_sell_what_is_held_and_say_when_coins_are_reserved(
        connect: Callable[..., CcxtExchange]) -> None:
    with BinanceSim(balances={"USDT": "10000"}) as cash_only:
        exchange = connect(config=cash_only.client_config())
        entry = exchange.create_order(buy("0.01"))

        def protect(kind: str, price: int) -> OrderRequest:
            return OrderRequest(symbol="BTC/USDT", side="sell", type=kind, amount=entry.filled,
                                price=Decimal(price), reduce_only=True, parent_id=entry.id)

        stop = exchange.create_order(protect("stop_loss", 100000))
        assert stop.amount == Decimal("0.00999")  # all that is held: the buy's fee was in BTC
        with pytest.raises(errors.InvalidOrder, match="already reserved by open orders"):
            exchange.create_order(protect("take_profit", 120000))
        assert len(cash_only.engine.orders()) == 2


def test_a_stop_and_a_target_rest_together_as_one_oco_and_one_fill_ends_the_other(
        connect: Callable[..., CcxtExchange]) -> None:
    with BinanceSim(balances={"USDT": "10000"}) as cash_only:
        exchange = connect(config=cash_only.client_config())
        entry = exchange.create_order(buy("0.01"))
        stop, target = (OrderRequest(symbol="BTC/USDT", side="sell", type=kind, reduce_only=True,
                                     amount=entry.filled, price=Decimal(price), parent_id=entry.id)
                        for kind, price in (("stop_loss", 100000), ("take_profit", "120000.009")))
        legs = exchange.create_protective_pair(stop, target)
        assert [(o.type, o.status, o.price) for o in legs] == [
            ("stop_loss", "open", 100000), ("take_profit", "open", 120000)]
        assert exchange.create_protective_pair(stop, target) == legs  # a retry places nothing
        assert exchange.balances()["BTC"].used == Decimal("0.00999")  # reserved once
        cash_only.engine.set_price("BTCUSDT", "99000")
        done = [exchange.fetch_order(o.id, "BTC/USDT").status for o in legs]
        assert done == ["closed", "expired"] and "BTC" not in exchange.balances()


@pytest.mark.parametrize("fault", [Fault("drop_after_accept", path="/api/v3/orderList/oco"),
                                   Fault("error", path="/api/v3/orderList/oco", status=503)],
                         ids=["dropped answer after accept", "5xx before accept"])
def test_an_oco_pair_is_placed_once_under_faults(sim: BinanceSim, exchange: CcxtExchange,
                                                fault: Fault) -> None:
    stop = OrderRequest(symbol="BTC/USDT", side="sell", type="stop_loss", amount=Decimal("0.1"),
                        price=Decimal(100000), reduce_only=True)
    target = OrderRequest(symbol="BTC/USDT", side="sell", type="take_profit",
                          amount=Decimal("0.1"), price=Decimal(120000), reduce_only=True)
    exchange.market("BTC/USDT")
    sim.inject(fault)
    legs = exchange.create_protective_pair(stop, target)
    assert [len(sim.engine.orders(r.client_order_id)) for r in (stop, target)] == [1, 1]
    assert [o.id for o in legs] == [str(sim.engine.orders(r.client_order_id)[0].order_id)
                                    for r in (stop, target)]


# -- clear errors, checked before sending --------------------------------------------------------

@pytest.mark.parametrize(("request_", "error", "words"), [
    (buy("1"), errors.InsufficientFunds, "not enough USDT to buy 1 BTC"),
    (OrderRequest(symbol="XRP/USDT", side="buy", amount=Decimal(1)), errors.UnknownSymbol,
     "binance does not list XRP/USDT"),
    (buy("0.000004"), errors.InvalidOrder, "below BTC/USDT's minimum of 0.00001 BTC"),
    (buy("0.00002"), errors.InvalidOrder, "below BTC/USDT's minimum of 5 USDT"),
    (buy("0.01", type="limit", price=Decimal("0.001")), errors.InvalidOrder, "tick size of 0.01"),
])
def test_bad_orders_become_one_line_messages_and_leave_no_order(
        sim: BinanceSim, exchange: CcxtExchange, request_: OrderRequest,
        error: type[errors.VolexError], words: str) -> None:
    with pytest.raises(error) as caught:
        exchange.create_order(request_)
    message = str(caught.value)
    assert words in message and "\n" not in message
    assert FAKE_KEY not in message and FAKE_SECRET not in message
    assert sim.engine.orders() == []


def test_only_the_venue_knows_about_funds_so_that_order_is_sent_once(
        sim: BinanceSim, exchange: CcxtExchange) -> None:
    with pytest.raises(errors.InsufficientFunds, match="insufficient balance"):
        exchange.create_order(buy("1"))
    assert len(sim.sent("POST", "/api/v3/order")) == 1  # a permanent answer is not retried


def test_a_wrong_key_is_an_authentication_error_that_shows_no_key(
        sim: BinanceSim, connect: Callable[..., CcxtExchange]) -> None:
    wrong = {"api_key": "fake-wrong-key-abcdef", "secret": "fake-wrong-secret-123456"}
    exchange = connect(keys=wrong)
    with pytest.raises(errors.AuthenticationError) as caught:
        exchange.balances()
    assert "Invalid API-key" in str(caught.value)
    for text in (str(caught.value), repr(exchange)):
        assert wrong["api_key"] not in text and wrong["secret"] not in text
    assert len(sim.sent("GET", "/api/v3/account")) == 1
    assert "keys=set" in repr(exchange)
    with pytest.raises(errors.AuthenticationError, match="no API key"):
        connect(keys=None).balances()


def test_rules_changed_at_the_venue_give_a_clear_error_and_are_reloaded(
        sim: BinanceSim, exchange: CcxtExchange) -> None:
    import dataclasses

    assert exchange.market("BTC/USDT").price_step == Decimal("0.01")
    spec = sim.engine.markets["BTCUSDT"]
    sim.engine.markets["BTCUSDT"] = dataclasses.replace(spec, tick_size=Decimal(1))
    with pytest.raises(errors.InvalidOrder) as caught:
        exchange.create_order(buy("0.01", type="limit", price=Decimal("80000.12")))
    assert "PRICE_FILTER" in str(caught.value) and "reloaded" in str(caught.value)
    assert len(sim.sent("POST", "/api/v3/order")) == 1  # a refusal is not retried
    assert exchange.market("BTC/USDT").price_step == 1
    again = exchange.create_order(buy("0.01", type="limit", price=Decimal("80000.12")))
    assert again.price == 80000


def test_a_venue_clock_that_jumps_is_measured_again_and_the_order_goes_once(
        sim: BinanceSim, exchange: CcxtExchange) -> None:
    exchange.market("BTC/USDT")  # clocks compared here
    sim.clock_offset_ms = -3000  # now our requests look 3 s ahead of the venue: -1021
    request = buy("0.01")
    order = exchange.create_order(request)
    assert order.status == "closed" and len(sim.engine.orders(request.client_order_id)) == 1
    assert len(sim.sent("GET", "/api/v3/time")) >= 2


# -- no duplicate order, ever ----------------------------------------------------------------

FAULTS = {
    "timeout after accept": Fault("delay_after_accept", delay_s=1.0),
    "dropped answer after accept": Fault("drop_after_accept"),
    "5xx after accept": Fault("error_after_accept", status=503),
    "5xx before accept": Fault("error", status=502),
    "dropped before accept": Fault("drop"),
    "429 with Retry-After": Fault("rate_limit", retry_after_s=1),
    "slow venue past the receive window": Fault("delay", delay_s=1.6),
    "restart after accept": Fault("restart_after_accept", downtime_s=0.3),
}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
@pytest.mark.parametrize("kind", ["market", "limit"])
def test_no_duplicate_order_under_any_fault(sim: BinanceSim, exchange: CcxtExchange,
                                           fault: Fault, kind: str) -> None:
    exchange.market("BTC/USDT")
    sim.inject(Fault(**vars(fault)))
    request = buy("0.01", type=kind, price=Decimal(120000) if kind == "limit" else None)
    order = exchange.create_order(request)
    first = sim.sent("POST", "/api/v3/order")[0]
    time.sleep(max(0.0, first.at + fault.delay_s + 0.2 - time.monotonic()))  # the slow original
    [held] = sim.engine.orders(request.client_order_id)
    assert (order.id, order.status) == (str(held.order_id), "closed")
    posts = [i for i, r in enumerate(sim.requests)
             if (r.method, r.path) == ("POST", "/api/v3/order")]
    for earlier, later in itertools.pairwise(posts):
        between = sim.requests[earlier + 1:later]
        assert any((r.method, r.path) == ("GET", "/api/v3/order") for r in between)


def test_rate_limit_waits_as_long_as_the_venue_asks(sim: BinanceSim,
                                                   exchange: CcxtExchange) -> None:
    sim.inject(Fault("rate_limit", path="/api/v3/account", method="GET", retry_after_s=1))
    exchange.balances()
    first, second = sim.sent("GET", "/api/v3/account")
    assert second.at - first.at >= 1.0


def test_reads_and_cancels_are_retried_through_5xx_and_drops(sim: BinanceSim,
                                                            exchange: CcxtExchange) -> None:
    resting = exchange.create_order(buy("0.01", type="limit", price=Decimal(80000)))
    sim.inject(Fault("error", path="/api/v3/account", method="GET", times=2),
               Fault("drop_after_accept", path="/api/v3/order", method="DELETE"))
    assert exchange.balances()["USDT"].used == 800
    assert len(sim.sent("GET", "/api/v3/account")) == 3
    assert exchange.cancel_order(resting.id, "BTC/USDT").status == "canceled"
    assert len(sim.sent("DELETE", "/api/v3/order")) == 2


def test_a_venue_down_during_the_lookup_says_so_and_a_retry_sends_nothing_twice(
        sim: BinanceSim, exchange: CcxtExchange) -> None:
    exchange.market("BTC/USDT")
    sim.inject(Fault("restart_after_accept", downtime_s=2.0))
    request = buy("0.01")
    with pytest.raises(errors.NetworkError) as caught:
        exchange.create_order(request)
    message = str(caught.value)
    assert request.client_order_id in message and "look it up" in message
    assert FAKE_KEY not in message and FAKE_SECRET not in message
    wait_until_up(sim)
    again = exchange.create_order(request)
    [held] = sim.engine.orders(request.client_order_id)
    assert again.id == str(held.order_id) and len(sim.sent("POST", "/api/v3/order")) == 1


def test_the_same_request_twice_places_one_order(sim: BinanceSim, exchange: CcxtExchange) -> None:
    for request in (buy("0.01"), buy("0.01", type="limit", price=Decimal(80000))):
        first, second = exchange.create_order(request), exchange.create_order(request)
        assert first.id == second.id
        assert len(sim.engine.orders(request.client_order_id)) == 1


# -- restart and reconciliation ----------------------------------------------------------------

def test_a_restarted_volex_sees_the_same_orders_balances_and_fills(
        sim: BinanceSim, connect: Callable[..., CcxtExchange]) -> None:
    before = connect()
    before.create_order(buy("0.02"))
    limit = before.create_order(buy("0.01", type="limit", price=Decimal(80000)))
    stop = before.create_order(OrderRequest(symbol="BTC/USDT", side="sell", type="stop_loss",
                                            amount=Decimal("0.02"), price=Decimal(90000)))
    seen = (before.open_orders(), before.balances(), before.my_trades("BTC/USDT"))
    assert before.my_trades() == seen[2]  # Binance lists fills per market; we ask each one
    del before
    sim.restart(downtime_s=1.0)  # the venue was away a while too; it kept its books
    after = connect()
    with pytest.raises(errors.NetworkError):
        after.balances()  # still down: a clear temporary error, after retries
    wait_until_up(sim)
    assert (after.open_orders(), after.balances(), after.my_trades()) == seen
    assert [(o.id, o.type) for o in seen[0]] == [(limit.id, "limit"), (stop.id, "stop_loss")]
    assert after.cancel_order(limit.id, "BTC/USDT").status == "canceled"


# -- configuration ----------------------------------------------------------------------------

def test_sandbox_mode_trades_on_the_testnet_not_the_live_venue(
        sim: BinanceSim, connect: Callable[..., CcxtExchange]) -> None:
    with BinanceSim(balances={"USDT": "123"}) as testnet:
        config = sim.client_config()
        config["urls"]["test"] = testnet.client_config()["urls"]["test"]
        assert connect(sandbox=True, config=config).balances()["USDT"].total == 123
        assert connect(sandbox=False, config=config).balances()["USDT"].total == 10000


def test_api_base_sends_every_call_to_that_host_and_explicit_urls_win(sim: BinanceSim) -> None:
    from volex.config import ExchangeSettings

    spot_only = {"fetchMarkets": {"types": ["spot"]}}
    with BinanceSim(balances={"USDT": "7"}) as gateway:
        rebased = ExchangeSettings(api_base=sim.url, rate_limit=False, options=spot_only)
        exchange = CcxtExchange("binance", KEYS, False, TIMEOUT_S, rebased.client_config(),
                                api_base=rebased.api_base, retry=FAST)
        assert exchange.balances()["USDT"].total == 10000
        split = rebased.model_copy(update={"urls": {"private": f"{gateway.url}/api/v3"}})
        exchange = CcxtExchange("binance", KEYS, False, TIMEOUT_S, split.client_config(),
                                api_base=split.api_base, retry=FAST)
        assert exchange.balances()["USDT"].total == 7  # private calls: the explicit url
        assert exchange.ticker("BTC/USDT").last > 0 and gateway.sent("GET", "/api/v3/ticker/24hr") == []
        sandboxed = CcxtExchange("binance", KEYS, True, TIMEOUT_S, rebased.client_config(),
                                 api_base=gateway.url, retry=FAST)
        assert sandboxed.balances()["USDT"].total == 7  # the testnet urls moved too


def test_sandbox_on_a_venue_without_testnet_is_a_config_error() -> None:
    with pytest.raises(errors.ConfigError, match="kraken offers no sandbox"):
        CcxtExchange("kraken", None, sandbox=True, timeout_s=TIMEOUT_S)


def test_retry_policy_backs_off_exponentially_and_honours_retry_after() -> None:
    policy = RetryPolicy(base_delay_s=0.1, max_delay_s=1.0, jitter=0.0)
    assert [policy.delay(n) for n in range(5)] == [0.1, 0.2, 0.4, 0.8, 1.0]
    asked = errors.RateLimited("slow down", retry_after_s=3)
    assert policy.delay(0, asked) == 3
    assert RetryPolicy(max_retry_after_s=5).delay(0, errors.RateLimited("x", 600)) == 5


def test_importing_the_adapter_does_not_import_ccxt() -> None:
    code = ("import sys, volex.adapters.exchange.ccxt_exchange; "
            "sys.exit('ccxt' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
