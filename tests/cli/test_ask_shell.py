"""`volex ask` and `volex shell`: plain English in, the same commands as the CLI out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from tests.support.cli import run
from tests.support.openai_server import OpenAIServer, serve_for_volex
from volex.commands.ask import command_missing
from volex.commands.shell import build_session, is_cli_syntax, run_shell, shell_words


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOLEX_OFFLINE", "1")


def _limit(name: str) -> float:
    result = run("risk", "show", "--json")
    assert result.exit_code == 0, result.output
    return float(json.loads(result.stdout)[name])


def _halted() -> bool:
    from volex import Volex

    with Volex() as app:
        return app.halt_state().active


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output + result.stderr


# -- ask -----------------------------------------------------------------------------------


def test_ask_shows_the_plan_then_runs_the_command() -> None:
    result = run("ask", "show my risk limits")
    assert result.exit_code == 0, result.output
    assert "Understood: risk · show the limits" in result.output
    assert "$ volex risk show" in result.output
    assert "max_daily_loss_pct" in result.output


def test_risk_change_waits_for_yes() -> None:
    before = _limit("max_daily_loss_pct")
    declined = run("ask", "set max daily loss to 3%", input="n\n")
    assert declined.exit_code == 1
    assert "not confirmed" in declined.stderr
    assert _limit("max_daily_loss_pct") == before
    accepted = run("ask", "set max daily loss to 3%", input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert _limit("max_daily_loss_pct") == 3


def test_yes_skips_the_question_for_grammar_commands() -> None:
    result = run("ask", "--yes", "max open orders 4")
    assert result.exit_code == 0, result.output
    assert "[y/N]" not in result.output + result.stderr
    assert _limit("max_open_orders") == 4


def test_a_trade_shows_the_real_plan_before_asking() -> None:
    result = run("ask", "buy 0.01 btc with a 5% stop loss", input="n\n")
    assert result.exit_code == 1
    assert "dry run: nothing sent" in result.output
    assert "Run `volex trade BTC/USDT --side buy --amount 0.01 --stop-loss 5`?" in result.stderr
    assert json.loads(run("orders", "--json").stdout) == []
    assert "BTC/USDT" not in run("positions").output


def test_a_confirmed_trade_is_sent_through_the_trade_command() -> None:
    result = run("ask", "buy 0.01 btc", input="y\n")
    assert result.exit_code == 0, result.output
    assert "filled buy 0.01 BTC/USDT" in result.output
    assert "BTC/USDT" in run("positions").output


def test_halt_never_asks_and_resume_does() -> None:
    halted = run("ask", "halt")
    assert halted.exit_code == 0, halted.output
    assert "HALTED" in halted.output and "[y/N]" not in halted.stderr
    kept = run("ask", "resume trading", input="n\n")
    assert kept.exit_code == 1
    assert _halted()
    resumed = run("ask", "resume trading", input="y\n")
    assert resumed.exit_code == 0 and "trading resumed" in resumed.output
    assert not _halted()


def test_sequences_run_step_by_step() -> None:
    result = run("ask", "halt and show my positions")
    assert result.exit_code == 0, result.output
    assert result.output.index("$ volex halt") < result.output.index("$ volex positions")


@pytest.mark.parametrize(("text", "code", "words"), [
    ("buy -5 btc", 2, "the amount must be positive"),
    ("sell 150% of my eth", 2, "more than 100 percent"),
    ("backtest supertrend strategy on btc", 2, "unknown strategy 'supertrend'"),
    ("buy some", 2, "which symbol"),
])
def test_bad_input_is_one_line_and_non_zero(text: str, code: int, words: str) -> None:
    result = run("ask", text)
    assert result.exit_code == code
    assert words in result.stderr
    assert result.stderr.strip().count("\n") == 0
    _no_traceback(result)


def test_gibberish_gets_examples() -> None:
    result = run("ask", "flibber the jabberwock")
    assert result.exit_code == 2
    assert "Things you can say" in result.stderr


def test_help_lists_what_can_be_said() -> None:
    result = run("ask", "help")
    assert result.exit_code == 0
    assert "backtest ema cross" in result.output and "halt and show my positions" in result.output


def test_commands_that_do_not_exist_yet_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from volex.nl import to_argv

    monkeypatch.setitem(to_argv._BUILDERS, "status", lambda _c: [["no-such-command"]])
    result = run("ask", "status")
    assert result.exit_code == 1
    assert "`volex no-such-command` is not available yet" in result.stderr
    _no_traceback(result)


def test_command_missing_names_missing_commands_and_options() -> None:
    assert command_missing(["risk", "show"]) is None
    assert command_missing(["trade", "BTC/USDT", "--side", "buy"]) is None
    assert command_missing(["frobnicate"]) == "`volex frobnicate` is not available yet"
    assert command_missing(["risk", "explode"]) == "`volex risk explode` is not available yet"
    assert "`volex trade --moon`" in command_missing(["trade", "BTC/USDT", "--moon"])


@pytest.fixture
def llm_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIServer]:
    with serve_for_volex(monkeypatch) as server:
        yield server


def test_llm_trades_are_confirmed_even_with_yes(llm_server: OpenAIServer) -> None:
    llm_server.reply_json({"intent": "trade", "symbols": ["BTC"], "side": "buy",
                           "amount": 0.01, "amount_unit": "base", "confidence": 0.8})
    result = run("ask", "--yes", "yolo a smidge of the orange coin", input="n\n")
    assert result.exit_code == 1
    assert "read by the LLM" in result.output
    assert "Run `volex trade BTC/USDT --side buy --amount 0.01`?" in result.stderr
    assert "BTC/USDT" not in run("positions").output


# -- shell ---------------------------------------------------------------------------------


def _shell(keys: str, capsys: pytest.CaptureFixture[str]) -> str:
    from volex.cli import app

    root = typer.main.get_command(app)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        with typer.Context(root, info_name="volex", obj={}) as ctx:
            run_shell(ctx, input=pipe, output=DummyOutput())
    return capsys.readouterr().out


def test_shell_runs_english_and_cli_syntax_until_ctrl_d(capsys: pytest.CaptureFixture[str],
                                                         volex_home: Path) -> None:
    out = _shell("show my risk limits\rrisk set max_open_orders 7 --reason test\r\x04", capsys)
    assert "Understood: risk · show the limits" in out
    assert "max_daily_loss_pct" in out
    assert "max_open_orders: 10 -> 7" in out
    assert out.rstrip().endswith("bye")
    history = (volex_home / "shell_history").read_text()
    assert "show my risk limits" in history and "risk set max_open_orders 7" in history


def test_shell_asks_through_its_own_prompt(capsys: pytest.CaptureFixture[str]) -> None:
    _shell("set max daily loss to 2%\ry\rset max exposure to 10%\rn\rexit\r", capsys)
    assert _limit("max_daily_loss_pct") == 2
    assert _limit("max_exposure_pct") != 10


def test_ctrl_c_cancels_the_line_not_the_shell(capsys: pytest.CaptureFixture[str]) -> None:
    out = _shell("buy 1 btc\x03help\r\x04", capsys)
    assert "Understood" not in out
    assert "Say what you want in plain English" in out
    assert "BTC/USDT" not in run("positions").output


def test_shell_help_and_unknown_lines_keep_the_shell_going(
        capsys: pytest.CaptureFixture[str]) -> None:
    out = _shell("blorp\rhelp\rquit\r", capsys)
    assert "Say what you want in plain English" in out
    assert out.rstrip().endswith("bye")


def test_bad_cli_syntax_is_one_line_and_the_shell_goes_on(
        capsys: pytest.CaptureFixture[str]) -> None:
    from volex.cli import app

    root = typer.main.get_command(app)
    with create_pipe_input() as pipe:
        pipe.send_text('strategy show "sma_cross\rhelp\r\x04')
        with typer.Context(root, info_name="volex", obj={}) as ctx:
            run_shell(ctx, input=pipe, output=DummyOutput())
    captured = capsys.readouterr()
    assert "Error: No closing quotation" in captured.err
    assert "Traceback" not in captured.out + captured.err
    assert "Say what you want in plain English" in captured.out


def test_cli_syntax_is_told_apart_from_english() -> None:
    commands = ["analyze", "risk", "strategy", "data", "buy"]
    assert is_cli_syntax("analyze BTC/USDT --timeframe 4h", commands)
    assert is_cli_syntax("strategy list", commands)
    assert not is_cli_syntax("analyze btc on the 4 hour chart", commands)
    assert not is_cli_syntax("buy 0.5 btc at -5", commands)
    assert not is_cli_syntax("how is btc", commands)


def test_completion_offers_commands_symbols_strategies_timeframes() -> None:
    words = shell_words()
    for word in ("analyze", "trade", "BTC/USDT", "bitcoin", "sma_cross", "4h", "if confident"):
        assert word in words


def test_the_shell_session_completes_and_suggests(volex_home: Path) -> None:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    session = build_session(output=DummyOutput())

    def completions(text: str) -> list[str]:
        document = Document(text)
        return [c.text for c in session.completer.get_completions(document, CompleteEvent())]

    assert "sma_cross" in completions("strategy show sma_cro")
    assert "analyze" in completions("ANAL")
    assert "BTC/USDT" in completions("analyze BTC/U")
    assert "4h" in completions("analyze btc --timeframe 4")
    assert session.history.filename == str(volex_home / "shell_history")
    assert type(session.auto_suggest).__name__ == "AutoSuggestFromHistory"


def test_a_readme_command_pasted_with_its_volex_prefix_runs(capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    out = _shell("volex data list\rvolex risk show\r\x04", capsys)
    assert "the cache is empty" in out and "max_order_quote" in out
    assert "didn't understand" not in out.lower()


def _piped(lines: str, *args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "VOLEX_HOME": str(home)}
    env.pop("VOLEX_OFFLINE", None)
    return subprocess.run([sys.executable, "-m", "volex", "shell", *args], input=lines, check=False,
                          capture_output=True, text=True, env=env, timeout=120)


def test_piped_input_is_read_as_plain_lines(volex_home: Path) -> None:
    done = _piped("volex risk show\nbuy 0.001 btc\ny\npositions --json\n", "--offline",
                  home=volex_home)
    assert done.returncode == 0, done.stderr
    assert "not a terminal" not in done.stderr + done.stdout
    assert done.stdout.count("$ volex risk show") == 1        # each line run once, no echo
    assert "volex>" not in done.stdout and "\n\n\n" not in done.stdout
    assert '"symbol": "BTC/USDT"' in done.stdout                # the y answered the confirmation


def test_shell_offline_reaches_no_network(volex_home: Path) -> None:
    done = _piped("status --json\n", "--offline", home=volex_home)
    assert '"offline": true' in done.stdout
