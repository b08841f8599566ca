"""`volex ... --live` end to end against the loopback Binance simulator, set up by configuration.

`[exchanges.binance] api_base` points the live adapter at the simulator, exactly as a user
would point it at a testnet mirror or a gateway; nothing is monkeypatched but the socket guard
that fails any connection leaving 127.0.0.1. Keys are fake and must never be printed.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from decimal import ROUND_DOWN, Decimal

import pytest

from tests.support.binance_sim import FAKE_KEY, FAKE_SECRET, BinanceSim, Fault
from tests.support.cli import run


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to a host other than 127.0.0.1 fails (nothing may leave the machine)."""
    import socket

    real = socket.socket.connect

    def connect(self: socket.socket, address: object) -> object:
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise OSError(f"test blocked a connection to {address[0]}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


def configure(*pairs: tuple[str, str]) -> None:
    for key, value in pairs:
        result = run("config", "set", key, value)
        assert result.exit_code == 0, result.output


@pytest.fixture
def live_venue(monkeypatch: pytest.MonkeyPatch, loopback_only: None) -> Iterator[BinanceSim]:
    """A simulator that `volex ... --live` trades on, chosen by `volex config set` alone."""
    with BinanceSim(balances={"USDT": "10000"}) as venue:
        configure(("trading.mode", '"live"'),
                  ("exchanges.binance.api_base", venue.url),
                  ("exchanges.binance.rate_limit", "false"),
                  ("exchanges.binance.options", '{fetchMarkets = {types = ["spot"]}}'),
                  ("network_timeout_s", "0.5"))
        monkeypatch.setenv("VOLEX_BINANCE_API_KEY", FAKE_KEY)
        monkeypatch.setenv("VOLEX_BINANCE_SECRET", FAKE_SECRET)
        yield venue


def no_keys_in(text: str) -> bool:
    return FAKE_KEY not in text and FAKE_SECRET not in text


def wait_until_up(venue: BinanceSim, seconds: float = 8.0) -> None:
    deadline = time.monotonic() + seconds
    while not venue.up and time.monotonic() < deadline:
        time.sleep(0.05)


def lists(venue: BinanceSim) -> set[int]:
    return {o.list_id for o in venue.engine.orders() if o.list_id >= 0}


def test_volex_buy_live_shows_live_and_places_the_order_and_its_stop_on_the_venue(
        live_venue: BinanceSim) -> None:
    result = run("buy", "BTCUSDT", "--amount", "0.01", "--stop-loss", "5", "--live", "--yes")
    assert result.exit_code == 0, result.output
    assert "LIVE" in result.output and FAKE_KEY not in result.output
    entry, stop = live_venue.engine.orders()
    assert (entry.type, entry.status, entry.qty) == ("MARKET", "FILLED", Decimal("0.01"))
    assert (stop.type, stop.status, stop.side) == ("STOP_LOSS", "NEW", "SELL")


def test_a_restarted_volex_reconciles_an_entry_that_filled_while_it_was_away(
        live_venue: BinanceSim) -> None:
    result = run("buy", "BTCUSDT", "--amount", "0.01", "--limit", "100000", "--stop-loss", "5",
                 "--live", "--yes")
    assert result.exit_code == 0, result.output
    [entry] = live_venue.engine.orders()
    assert entry.status == "NEW"
    live_venue.engine.set_price("BTCUSDT", "99000")  # fills while no Volex is running
    result = run("buy", "BTCUSDT", "--amount", "0.01", "--live", "--dry-run")  # a new Volex
    assert result.exit_code == 0, result.output
    [stop] = live_venue.engine.orders(f"{entry.client_order_id}-sl")
    assert (stop.type, stop.status, stop.stop_price) == ("STOP_LOSS", "NEW", Decimal(95000))
    assert stop.qty == Decimal("0.00999")  # what is held: Binance took the fee in BTC


def test_buy_live_with_stop_and_target_places_one_oco_list_seen_by_every_listing_and_halt(
        live_venue: BinanceSim) -> None:
    result = run("buy", "BTC/USDT", "--live", "--yes", "--quote", "50", "--stop-loss", "5",
                 "--take-profit", "10")
    assert result.exit_code == 0, result.output
    assert "LIVE" in result.output and "not placed" not in result.output
    assert re.search(r"fee 0\.0+\d+ BTC \(order", result.output), result.output  # not USDT
    entry, stop, target = live_venue.engine.orders()
    assert (entry.type, entry.status) == ("MARKET", "FILLED")
    assert [(o.type, o.status) for o in (stop, target)] == [("STOP_LOSS", "NEW"),
                                                            ("TAKE_PROFIT", "NEW")]
    assert stop.list_id == target.list_id >= 0
    assert len(live_venue.sent("POST", "/api/v3/orderList/oco")) == 1
    held = entry.qty - Decimal(entry.fills[0]["commission"])  # Binance took the fee in BTC
    assert stop.qty == target.qty == Decimal("0.00044") <= held  # all that is held, on the step

    positions = run("positions", "--live", "--json")
    assert positions.exit_code == 0, positions.output
    [position] = json.loads(positions.stdout)
    assert position["symbol"] == "BTC/USDT"
    assert Decimal(position["stop_loss"]) == stop.stop_price
    assert Decimal(position["take_profit"]) == target.stop_price
    orders = run("orders", "--live", "--json")
    assert orders.exit_code == 0, orders.output
    assert sorted(o["type"] for o in json.loads(orders.stdout)) == ["stop_loss", "take_profit"]
    for listing in ("orders", "positions", "balance"):
        shown = run(listing, "--live")
        assert shown.exit_code == 0 and "LIVE" in shown.output, shown.output

    halted = run("halt", "--live", "--json")
    assert halted.exit_code == 0, halted.output
    assert len(json.loads(halted.stdout)["canceled"]) == 2
    assert [o.status for o in live_venue.engine.orders()[1:]] == ["CANCELED", "CANCELED"]
    assert all(no_keys_in(r.output) for r in (result, positions, orders, halted))


@pytest.mark.parametrize("fault", [
    Fault("drop_after_accept", path="/api/v3/orderList/oco"),
    Fault("restart_after_accept", path="/api/v3/orderList/oco", downtime_s=0.3),
    Fault("error", path="/api/v3/orderList/oco", status=503)],
    ids=["answer dropped after accept", "venue restarts after accept", "5xx before accept"])
def test_a_lost_answer_while_placing_the_oco_list_never_makes_two_lists(
        live_venue: BinanceSim, fault: Fault) -> None:
    live_venue.inject(fault)
    result = run("buy", "BTC/USDT", "--live", "--yes", "--quote", "50", "--stop-loss", "5",
                 "--take-profit", "10")
    assert result.exit_code == 0, result.output
    assert len(lists(live_venue)) == 1
    assert [o.type for o in live_venue.engine.orders()] == ["MARKET", "STOP_LOSS", "TAKE_PROFIT"]
    again = run("orders", "--live", "--json")  # a later Volex reconciles without sending more
    assert again.exit_code == 0 and len(json.loads(again.stdout)) == 2
    assert len(lists(live_venue)) == 1


def test_an_oco_list_whose_answer_is_lost_with_the_venue_down_is_reconciled_not_resent(
        live_venue: BinanceSim) -> None:
    live_venue.inject(Fault("restart_after_accept", path="/api/v3/orderList/oco",
                            downtime_s=8.0))
    result = run("buy", "BTC/USDT", "--live", "--yes", "--quote", "50", "--stop-loss", "5",
                 "--take-profit", "10")
    assert result.exit_code == 0, result.output  # the entry stands
    assert "stop-loss and take-profit not confirmed" in result.output
    assert "asks the venue again" in result.output
    wait_until_up(live_venue)
    orders = run("orders", "--live", "--json")  # the next command reconciles
    assert orders.exit_code == 0, orders.output
    assert sorted(o["type"] for o in json.loads(orders.stdout)) == ["stop_loss", "take_profit"]
    assert len(lists(live_venue)) == 1
    assert len(live_venue.sent("POST", "/api/v3/orderList/oco")) == 1
    audit = run("audit", "--json")
    placed = [r for r in json.loads(audit.stdout) if r["action"] == "order.placed"]
    assert {r["details"]["type"] for r in placed} == {"stop_loss", "take_profit"}


def test_a_position_sold_out_before_a_restart_still_shows_its_realised_pnl(
        live_venue: BinanceSim) -> None:
    bought = run("buy", "ETH/USDT", "--live", "--yes", "--quote", "50")
    assert bought.exit_code == 0, bought.output
    sold = run("sell", "ETH/USDT", "--live", "--yes", "--percent", "100")
    assert sold.exit_code == 0, sold.output
    live_venue.engine.convert_dust("ETH")  # the fee left a remainder; now nothing is held
    result = run("positions", "--live", "--json")  # a new Volex: ETH is neither held nor open
    assert result.exit_code == 0, result.output
    assert [p["symbol"] for p in json.loads(result.stdout)] == ["ETH/USDT"]
    asked = {r.params.get("symbol") for r in live_venue.sent("GET", "/api/v3/myTrades")}
    assert "ETHUSDT" in asked


def test_the_venue_can_be_chosen_by_environment_alone(monkeypatch: pytest.MonkeyPatch,
                                                      loopback_only: None) -> None:
    with BinanceSim(balances={"USDT": "321"}) as venue:
        for name, value in {"TRADING__MODE": "live", "EXCHANGES__BINANCE__API_BASE": venue.url,
                            "EXCHANGES__BINANCE__RATE_LIMIT": "false",
                            "EXCHANGES__BINANCE__OPTIONS": '{"fetchMarkets": {"types": ["spot"]}}',
                            "BINANCE_API_KEY": FAKE_KEY, "BINANCE_SECRET": FAKE_SECRET}.items():
            monkeypatch.setenv(f"VOLEX_{name}", value)
        result = run("balance", "--live", "--json")
        assert result.exit_code == 0, result.output
        [cash] = json.loads(result.stdout)
        assert (cash["asset"], Decimal(cash["total"])) == ("USDT", 321)


def test_live_listings_need_live_mode_in_the_config(live_venue: BinanceSim) -> None:
    configure(("trading.mode", '"paper"'))
    for args in (("orders", "--live"), ("positions", "--live"), ("balance", "--live"),
                 ("cancel", "--all", "--yes", "--live")):
        result = run(*args)
        assert result.exit_code != 0 and 'trading.mode = "live"' in result.output, args
    paper = run("balance")
    assert paper.exit_code == 0 and "PAPER" in paper.output, paper.output


def protection(venue: BinanceSim) -> list[tuple[str, Decimal, Decimal]]:
    """The venue's open protective orders: (type, amount, trigger), stop first."""
    return sorted((o.type, o.qty, o.stop_price) for o in venue.engine.orders()
                  if o.is_open and o.type in ("STOP_LOSS", "TAKE_PROFIT"))


STEP = Decimal("0.00001")  # the simulator's BTC/USDT amount step


def held_btc(venue: BinanceSim) -> Decimal:
    free, locked = venue.engine.balance("BTC")
    return free + locked


def test_a_partial_live_sale_shrinks_the_stop_and_target_and_a_full_one_removes_them(
        live_venue: BinanceSim) -> None:
    bought = run("buy", "BTC/USDT", "--live", "--yes", "--quote", "100", "--stop-loss", "5",
                 "--take-profit", "10")
    assert bought.exit_code == 0, bought.output
    [(_, amount, stop), (_, _, target)] = protection(live_venue)
    assert live_venue.engine.balance("BTC")[0] < amount  # the OCO list holds the coins

    half = run("sell", "BTC/USDT", "--live", "--yes", "--percent", "50")
    assert half.exit_code == 0, half.output
    [sale] = [o for o in live_venue.engine.orders() if o.side == "SELL" and o.type == "MARKET"]
    assert sale.status == "FILLED" and sale.executed == (amount / 2).quantize(STEP, ROUND_DOWN)
    rest = held_btc(live_venue).quantize(STEP, ROUND_DOWN)  # what is still held, on the step
    assert rest == amount - sale.executed
    assert protection(live_venue) == [("STOP_LOSS", rest, stop), ("TAKE_PROFIT", rest, target)]
    assert len(lists(live_venue)) == 2  # the old list canceled, one new list for the rest
    audit = json.loads(run("audit", "--json").stdout)
    assert sum(r["action"] == "order.cancel" for r in audit) == 2
    assert any(r["action"] == "protection.resized" for r in audit)

    sold = run("sell", "BTC/USDT", "--live", "--yes", "--percent", "100")
    assert sold.exit_code == 0, sold.output
    assert protection(live_venue) == []
    assert held_btc(live_venue) < STEP  # only the fee's dust, below one step
    assert no_keys_in(bought.output + half.output + sold.output)


def test_a_live_sale_the_venue_refuses_puts_the_protection_back(live_venue: BinanceSim) -> None:
    bought = run("buy", "BTC/USDT", "--live", "--yes", "--quote", "100", "--stop-loss", "5",
                 "--take-profit", "10")
    assert bought.exit_code == 0, bought.output
    before = protection(live_venue)
    live_venue.inject(Fault("error", path="/api/v3/order", status=400, times=20))
    refused = run("sell", "BTC/USDT", "--live", "--yes", "--percent", "50")
    assert refused.exit_code != 0 and "Traceback" not in refused.output
    assert protection(live_venue) == before  # same amount and triggers, resting again
    assert "was not placed" in refused.output and len(lists(live_venue)) == 2
    audit = json.loads(run("audit", "--json").stdout)
    assert any(r["action"] == "protection.resized" and "put back" in r["reason"] for r in audit)
    assert not [o for o in live_venue.engine.orders() if o.side == "SELL" and o.type == "MARKET"]
