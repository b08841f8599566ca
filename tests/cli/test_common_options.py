"""Options many commands take are defined once, in volex/commands/common.py: a command words
its help, it does not redefine the flag (a second definition drifts: another short flag,
another default)."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from volex.cli import app

COMMANDS = Path(__file__).resolve().parents[2] / "volex" / "commands"
SHARED = ("--json", "--offline", "--timeframe", "--exchange", "--live", "--yes", "--reason")


def test_no_command_module_defines_a_shared_option_itself() -> None:
    defined = re.compile(r"typer\.Option\(([^()]|\([^()]*\))*?\"(--[a-z-]+)\"", re.DOTALL)
    found = {(path.name, m.group(2)) for path in COMMANDS.glob("*.py") if path.name != "common.py"
             for m in defined.finditer(path.read_text()) if m.group(2) in SHARED}
    assert found == set()


def _options(command, path: tuple[str, ...] = ()):
    for name, sub in getattr(command, "commands", {}).items():
        yield from _options(sub, (*path, name))
    for param in getattr(command, "params", []):
        yield " ".join(path), param


def test_every_command_gets_the_same_shared_flags() -> None:
    seen: dict[str, set[tuple]] = {}
    for _where, param in _options(typer.main.get_command(app)):
        for flag in set(param.opts) & set(SHARED):
            shape = (tuple(sorted(param.opts)), param.default,
                     getattr(param, "is_flag", False), param.required)
            seen.setdefault(flag, set()).add(shape)
    assert seen["--json"] == {(("--json",), False, True, False)}
    assert seen["--reason"] == {(("--reason",), None, False, False)}
    assert seen["--yes"] == {(("--yes", "-y"), False, True, False)}
    assert seen["--live"] == {(("--live",), False, True, False)}
    assert {s for s in seen["--timeframe"] if not s[3]} == {(("--timeframe", "-t"), None, False, False)}
