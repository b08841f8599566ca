"""Price alerts and `volex status`, through the real CLI."""

from __future__ import annotations

import json
import multiprocessing

from tests.support.cli import run
from volex import Volex
from volex.adapters.market_data.files import sample_candles

LAST_BTC = sample_candles("BTC/USDT", "2h")["close"].iloc[-1]


def test_an_alert_fires_once_at_the_offline_price_and_says_where_the_price_came_from() -> None:
    assert run("alert", "btc", "--above", str(LAST_BTC - 1000), "--note", "take profit").exit_code == 0
    assert run("alert", "btc", "--above", str(LAST_BTC + 1000)).exit_code == 0
    assert run("alert", "eth", "--below", "1").exit_code == 0
    first = run("--debug", "alerts", "--check")
    assert first.exit_code == 0, first.output
    assert "ALERT #1" in first.output and "sample price" in first.output and "take profit" in first.output
    assert "ALERT #2" not in first.output and "ALERT #3" not in first.output
    assert "no alert fired" in run("alerts", "--check").output  # fired alerts stay fired
    active = json.loads(run("alerts", "--json").stdout)
    assert [a["id"] for a in active] == [2, 3]
    every = json.loads(run("alerts", "--all", "--json").stdout)
    assert every[0]["triggered_price"] == str(LAST_BTC)


def test_firing_is_audited_and_published_on_the_bus() -> None:
    with Volex(offline=True, actor="agent") as volex:
        seen: list[dict] = []
        volex.runtime.bus.subscribe("alerts", seen.append)
        volex.add_alert("BTC/USDT", "below", LAST_BTC + 1)
        fired = volex.check_alerts().fired
        assert [a.symbol for a, _ in fired] == ["BTC/USDT"]
        assert seen and seen[0]["symbol"] == "BTC/USDT" and seen[0]["price_source"] == "sample"
        actions = [(r.actor, r.action) for r in volex.audit()]
    assert ("agent", "alert.add") in actions and ("agent", "alert.fired") in actions


def _check(home: str, out) -> None:
    import os

    os.environ["VOLEX_HOME"] = home
    with Volex(offline=True) as volex:
        out.put(len(volex.check_alerts().fired))


def test_two_processes_checking_at_once_fire_an_alert_only_once(volex_home) -> None:
    with Volex(offline=True) as volex:
        for _ in range(5):
            volex.add_alert("BTC/USDT", "above", 1)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_check, args=(str(volex_home), out)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert sorted(out.get(timeout=5) for _ in procs) in ([0, 5], [1, 4], [2, 3])


def test_bad_alerts_are_one_line_errors() -> None:
    for args, message in [(["alert", "btc", "--above", "-5"], "must be positive"),
                          (["alert", "btc"], "exactly one of --above"),
                          (["alert", "btc", "--above", "1", "--below", "2"], "exactly one of --above"),
                          (["alert", "btc", "--below", "lots"], "not a price"),
                          (["alerts", "--remove", "42"], "no alert with id 42")]:
        result = run(*args)
        assert result.exit_code == 2 and message in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(run("alerts", "--json").stdout) == []


def test_status_shows_trading_state_mode_and_components() -> None:
    info = json.loads(run("status", "--json").stdout)
    assert info["trading"]["state"] == "ACTIVE" and info["mode"] == "paper"
    assert info["store"].startswith("sqlite:///") and info["bus"] == "in-process"
    assert "PAPER" in run("status").output
    assert run("halt", "--reason", "news").exit_code == 0
    halted = json.loads(run("status", "--json").stdout)
    assert halted["trading"]["state"] == "HALTED" and halted["trading"]["reason"] == "news"
    assert "HALTED" in run("status").output


def test_watch_keeps_checking_until_every_alert_has_fired() -> None:
    run("alert", "btc", "--below", str(LAST_BTC + 1), "--note", "dip")
    run("alert", "eth", "--below", "1")
    watched = run("alerts", "--watch", "--every", "1", "--rounds", "2")
    assert watched.exit_code == 0, watched.stderr
    assert watched.output.count("ALERT #1") == 1 and "dip" in watched.output
    assert "ALERT #2" not in watched.output
    run("alerts", "--remove", "2")
    assert "no active alerts left" in run("alerts", "--watch", "--every", "1").output
