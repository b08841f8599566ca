"""`volex NAME ...` builds only the command it names: same options, help and errors as the
whole app, while `--help`, no command or a mistyped one still see every command."""

from __future__ import annotations

import pytest
import typer.main
from typer.testing import CliRunner

from volex.cli import app, command_app

NAMES = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", NAMES)
def test_a_named_command_alone_has_the_same_help_as_in_the_whole_app(name: str) -> None:
    narrowed = command_app([name, "--help"])
    assert narrowed is not app
    assert list(typer.main.get_command(narrowed).commands) == [name]  # type: ignore[attr-defined]
    runner = CliRunner()
    alone = runner.invoke(narrowed, [name, "--help"], prog_name="volex")
    whole = runner.invoke(app, [name, "--help"], prog_name="volex")
    assert alone.exit_code == whole.exit_code == 0
    assert alone.output == whole.output


@pytest.mark.parametrize("args", [[], ["--help"], ["--version"], ["bakctest", "x"],
                                  ["--debug"], ["-h"]])
def test_anything_but_a_command_name_gets_the_whole_app(args: list[str]) -> None:
    assert command_app(args) is app


def test_root_options_before_the_name_still_narrow_and_work() -> None:
    narrowed = command_app(["--debug", "parse", "buy $5 of eth"])
    assert list(typer.main.get_command(narrowed).commands) == ["parse"]  # type: ignore[attr-defined]
    result = CliRunner().invoke(narrowed, ["--debug", "parse", "buy $5 of eth", "--json"])
    assert result.exit_code == 0 and '"side": "buy"' in result.output


def test_a_mistyped_command_is_still_suggested() -> None:
    result = CliRunner().invoke(command_app(["bakctest"]), ["bakctest"])
    assert result.exit_code == 2 and "Did you mean 'backtest'" in result.output


def test_narrowing_leaves_the_whole_app_untouched() -> None:
    command_app(["halt", "--yes"])
    assert sorted(typer.main.get_command(app).commands) == NAMES  # type: ignore[attr-defined]
