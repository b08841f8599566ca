"""The trading commands as a person uses them: plan first, confirm, clear refusals, JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import run


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Prices from the bundled sample: these tests never reach the network."""
    monkeypatch.setenv("VOLEX_OFFLINE", "true")


def _json(*args: str) -> object:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _trading_actions() -> list[str]:
    return [r["action"] for r in _json("audit") if r["action"].startswith(("order", "halt"))]


def test_a_trade_shows_its_plan_then_fills_with_its_stop() -> None:
    result = run("buy", "btc", "--quote", "500", "--stop-loss", "2", "--yes")
    assert result.exit_code == 0, result.output
    for shown in ("Trade plan", "PAPER", "BTC/USDT", "0.00454781 BTC", "Expected fill",
                  "offline: bundled sample price", "Fees", "Stop loss", "max_order_quote",
                  "max_daily_loss_pct", "filled buy", "stop-loss placed"):
        assert shown in result.output, shown
    positions = _json("positions")
    assert [(p["symbol"], p["amount"]) for p in positions] == [("BTC/USDT", "0.00454781")]
    assert positions[0]["stop_loss"] is not None
    assert [o["type"] for o in _json("orders")] == ["stop_loss"]


def test_a_stop_that_cannot_be_placed_is_reported_and_the_entry_stands() -> None:
    result = run("buy", "btc", "--quote", "100", "--stop-loss", "0.01", "--yes")
    assert result.exit_code == 0
    assert "stop-loss not placed" in result.output and "would trigger at once" in result.output
    assert len(_json("positions")) == 1 and _json("orders") == []


def test_dry_run_shows_the_plan_and_writes_nothing() -> None:
    result = run("trade", "eth", "--side", "buy", "--amount", "0.1", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Trade plan" in result.output and "nothing sent" in result.output
    assert _json("orders") == [] and _json("positions") == [] and _trading_actions() == []


def test_answering_no_at_the_confirmation_sends_nothing() -> None:
    result = run("buy", "eth", "--quote", "200", input="n\n")
    assert result.exit_code == 1
    assert "Send this PAPER order?" in result.output and "not sent" in result.output
    assert _json("positions") == [] and _trading_actions() == []


def test_a_blocked_trade_says_which_rule_and_by_how_much() -> None:
    result = run("buy", "eth", "--quote", "3000", "--yes")
    assert result.exit_code == 3
    assert "✗ BLOCKED" in result.output
    assert "max_order_quote: order 3,000.00 USDT is 500.00 USDT over the 2,500.00 USDT limit" in result.stderr
    assert "Traceback" not in result.output
    assert _json("positions") == []


@pytest.mark.parametrize("args", [
    ("buy", "btc", "--amount", "abc"),
    ("buy", "btc", "--quote", "-5"),
    ("trade", "btc", "--side", "hold"),
    ("trade", "btc"),
    ("buy", "btc", "--amount", "1", "--quote", "5"),
    ("buy", "btc", "--percent", "150"),
    ("sell", "btc", "--stop-loss", "2"),
    ("buy", "btc", "--stop-loss", "150"),
    ("risk", "set", "max_order_quote", "lots"),
    ("risk", "set", "max_leverage", "3"),
    ("cancel",),
    ("cancel", "Pdoesnotexist"),
    ("sell", "doge", "--yes"),
    ("audit", "--since", "last tuesday"),
])
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1


def test_if_confident_trades_nothing_without_a_confident_signal() -> None:
    result = run("trade", "btc", "--if-confident", "--yes")
    assert result.exit_code == 0 and "Traceback" not in result.output  # a hold is an outcome
    assert result.stdout.startswith("held: ")
    assert _json("positions") == [] and _trading_actions() == []


def test_a_bad_min_confidence_is_refused_before_a_decision_is_made(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from volex.facade import Volex

    decided: list[object] = []
    monkeypatch.setattr(Volex, "decide", lambda self, *args, **kw: decided.append(args))
    result = run("buy", "btc", "--if-confident", "--min-confidence", "1.5", "--yes")
    assert result.exit_code == 2 and "between 0 and 1" in result.stderr, result.output
    assert decided == []


def test_halt_refuses_orders_shows_everywhere_and_resume_asks() -> None:
    halted = run("halt", "--reason", "lunch")
    assert halted.exit_code == 0 and "HALTED" in halted.output
    refused = run("buy", "btc", "--quote", "100", "--yes")
    assert refused.exit_code == 4 and "trading halted" in refused.stderr
    assert "HALTED" in run("positions").output
    assert "HALTED" in run("analyze", "btc", "--no-ai").output
    assert run("resume", input="n\n").exit_code == 1
    assert _json("risk", "show")["trading"]["state"] == "HALTED"
    assert run("resume", "--yes").exit_code == 0
    assert _json("risk", "show")["trading"]["state"] == "ACTIVE"
    assert run("buy", "btc", "--quote", "100", "--yes").exit_code == 0
    actions = [r["action"] for r in _json("audit")]
    assert actions.count("halt") == 1 and actions.count("resume") == 1
    assert "order.filled" in actions


def test_halt_flatten_closes_positions_after_confirmation() -> None:
    assert run("buy", "btc", "--quote", "300", "--yes").exit_code == 0
    assert run("halt", "--flatten", input="n\n").exit_code == 1
    assert _json("risk", "show")["trading"]["state"] == "ACTIVE"
    report = _json("halt", "--flatten", "--yes")
    assert report["state"]["state"] == "HALTED" and [o["symbol"] for o in report["flattened"]] == ["BTC/USDT"]
    assert [b["asset"] for b in _json("balance")] == ["USDT"]


def test_reduce_only_allows_selling() -> None:
    assert run("buy", "eth", "--quote", "300", "--yes").exit_code == 0
    assert run("halt", "--reduce-only").exit_code == 0
    assert run("buy", "eth", "--quote", "100", "--yes").exit_code == 4
    sold = run("sell", "eth", "--yes")
    assert sold.exit_code == 0 and "whole holding" in sold.output
    assert "REDUCE-ONLY" in run("balance").output


def test_limit_orders_are_listed_and_cancelled_by_id_symbol_or_all() -> None:
    for price in ("3000", "3100"):
        assert run("buy", "eth", "--quote", "100", "--limit", price, "--yes").exit_code == 0
    assert run("buy", "btc", "--quote", "100", "--limit", "90000", "--yes").exit_code == 0
    orders = _json("orders")
    assert len(orders) == 3 and {o["status"] for o in orders} == {"open"}
    assert run("cancel", orders[0]["id"]).exit_code == 0
    assert len(_json("orders")) == 2
    assert run("cancel", "ETH/USDT").exit_code == 0
    assert [o["symbol"] for o in _json("orders")] == ["BTC/USDT"]
    assert run("cancel", "--all", input="n\n").exit_code == 1
    assert json.loads(run("cancel", "--all", "--yes", "--json").stdout)[0]["status"] == "canceled"
    assert _json("orders") == []


def test_risk_limits_are_shown_changed_and_audited() -> None:
    assert _json("risk", "show")["max_order_quote"] == "2500"
    changed = run("risk", "set", "max_order_quote", "1000", "--reason", "smaller bets")
    assert changed.exit_code == 0 and "2500 -> 1000" in changed.output
    assert _json("risk", "show")["max_order_quote"] == "1000"
    blocked = run("buy", "eth", "--quote", "1500", "--yes")
    assert blocked.exit_code == 3 and "500.00 USDT over the 1,000.00 USDT limit" in blocked.stderr
    record = next(r for r in _json("audit") if r["action"] == "risk.set")
    assert (record["subject"], record["reason"], record["actor"]) == (
        "max_order_quote", "smaller bets", "cli")


def test_paper_reset_asks_then_starts_again() -> None:
    assert run("buy", "btc", "--quote", "100", "--yes").exit_code == 0
    assert run("paper", "reset", "--balance", "5000", input="n\n").exit_code == 1
    assert len(_json("balance")) == 2
    assert run("paper", "reset", "--balance", "5000", "--yes").exit_code == 0
    assert [(b["asset"], b["total"]) for b in _json("balance")] == [("USDT", "5000")]
    assert _json("positions") == []
    assert "paper.reset" in [r["action"] for r in _json("audit", "--since", "1h")]


def test_every_listing_command_prints_json() -> None:
    assert run("buy", "btc", "--quote", "100", "--yes").exit_code == 0
    assert isinstance(_json("orders"), list)
    assert isinstance(_json("positions"), list)
    assert _json("balance")[0]["asset"] == "USDT"
    assert isinstance(_json("audit"), list)
    assert "max_daily_loss_pct" in _json("risk", "show")
    sent = json.loads(run("buy", "btc", "--quote", "100", "--yes", "--json").stdout)
    assert sent["sent"] is True and sent["order"]["status"] == "closed"


def test_halt_needs_only_the_store_and_imports_nothing_heavy(volex_home: Path) -> None:
    assert run("buy", "btc", "--quote", "100", "--limit", "1000", "--yes").exit_code == 0
    code = (
        "import sys\n"
        "from volex.cli import app\n"
        "try:\n"
        "    app(['halt', '--reason', 'light'])\n"
        "except SystemExit as done:\n"
        "    print('exit', done.code)\n"
        "print(sorted(m for m in ('pandas', 'ccxt', 'sklearn', 'openai', 'numpy') if m in sys.modules))\n"
    )
    # an exchange that does not exist and no network: the halt does not care
    env = {**os.environ, "VOLEX_HOME": str(volex_home), "VOLEX_EXCHANGE": "nosuchvenue"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    assert "cancelled 1 open order(s)" in done.stdout
    assert done.stdout.strip().splitlines()[-2:] == ["exit 0", "[]"]
    assert _json("risk", "show")["trading"]["reason"] == "light"
