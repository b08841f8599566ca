"""Helpers for driving the real CLI in tests."""

from __future__ import annotations

from typer.testing import CliRunner

from volex.cli import app

__all__ = ["one_line_error", "run"]


def run(*args: str, input: str | None = None):
    """Invoke `volex ARGS` in-process; returns Click's Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, list(args), input=input)


def one_line_error(result, code: int = 2) -> str:
    """The one ``Error: ...`` line a refused command prints, after checking it is all it printed."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]
