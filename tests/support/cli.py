"""Helpers for driving the real CLI in tests."""

from __future__ import annotations

from typer.testing import CliRunner

from volex.cli import app

__all__ = ["run"]


def run(*args: str, input: str | None = None):
    """Invoke `volex ARGS` in-process; returns Click's Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, list(args), input=input)
