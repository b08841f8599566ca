"""Snapshots of the main screen, normal and halted, from fixed data and a fixed clock.

Update after an intended change of layout with ``pytest tests/tui --snapshot-update`` and
look at the report before committing the new SVGs.
"""

from __future__ import annotations

from textual.pilot import Pilot

from tests.tui.fakes import FixedVolex, fixed_clock
from tests.tui.helpers import settle
from volex.tui.app import VolexApp

SIZE = (160, 48)


def _app(*, halted: bool) -> VolexApp:
    return VolexApp(FixedVolex(halted=halted), live=False, clock=fixed_clock)  # type: ignore[arg-type]


async def _loaded(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.pause(0.2)
    await settle(pilot)


def test_main_screen(snap_compare) -> None:
    assert snap_compare(_app(halted=False), terminal_size=SIZE, run_before=_loaded)


def test_main_screen_halted(snap_compare) -> None:
    assert snap_compare(_app(halted=True), terminal_size=SIZE, run_before=_loaded)
