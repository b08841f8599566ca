"""The README's command tables and every command's --help say the same thing.

A new user found options in --help that the README never mentions (`--offline` on orders,
positions and balance, `--json` and `--reason` on cancel, halt and resume...) and README rows
naming options that do not exist. This test reads both, so they cannot drift apart again:
every command has a row, every option of --help is named in one of its rows, and every
option a row names exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from volex.cli import app

README = Path(__file__).resolve().parents[2] / "README.md"
# Commands documented under the name people type: `volex ui` is `volex dashboard`, and
# `volex news BTC` runs the news group's default command, `show`.
ALIASES = {"ui": "dashboard", "news show": "news"}


def _commands() -> dict[str, tuple[set[tuple[str, ...]], bool]]:
    """Each command path (``data fetch``) with its visible long options and whether it is a group."""
    found: dict[str, tuple[set[tuple[str, ...]], bool]] = {}

    def walk(command, path: list[str]) -> None:
        subcommands = getattr(command, "commands", None) or {}
        for name, sub in subcommands.items():
            if not getattr(sub, "hidden", False):
                walk(sub, [*path, name])
        if path:
            options = {tuple(o for o in p.opts + p.secondary_opts if o.startswith("--"))
                       for p in command.params
                       if p.param_type_name == "option" and not getattr(p, "hidden", False)}
            found[" ".join(path)] = ({o for o in options if o and "--help" not in o},
                                     bool(subcommands))

    walk(typer.main.get_command(app), [])
    return found


def _readme_options(known: set[str]) -> dict[str, set[str]]:
    """Options each command is shown with in the README's table rows (first column)."""
    said: dict[str, set[str]] = {}
    for line in README.read_text().splitlines():
        cells = line.replace("\\|", "\0").split("|")
        if not line.startswith("|") or len(cells) < 3:
            continue
        for span in re.findall(r"`(volex [^`]*)`", cells[1].replace("\0", "|")):
            words = span.split()[1:]
            path = next((" ".join(words[:n]) for n in range(len(words), 0, -1)
                         if " ".join(words[:n]) in known), None)
            if path is not None:
                said.setdefault(path, set()).update(re.findall(r"--[a-z][a-z0-9-]*", span))
    for alias, name in ALIASES.items():
        if name in said:
            said[alias] = said[name]
    return said


COMMANDS = _commands()
SAID = _readme_options(set(COMMANDS))


@pytest.mark.parametrize("path", sorted(p for p, (opts, group) in COMMANDS.items()
                                        if opts or not group))
def test_every_command_has_a_readme_row_naming_each_of_its_options(path: str) -> None:
    options, _ = COMMANDS[path]
    assert path in SAID, f"the README has no row for `volex {path}`"
    missing = sorted(longs[0] for longs in options if not set(longs) & SAID[path])
    assert not missing, f"`volex {path}` --help has {missing}, which its README row never names"


@pytest.mark.parametrize("path", sorted(p for p in SAID if not COMMANDS[p][1]))
def test_every_option_the_readme_names_exists(path: str) -> None:
    real = {o for longs in COMMANDS[path][0] for o in longs}
    assert not SAID[path] - real, f"the README names {sorted(SAID[path] - real)} for `volex {path}`"
