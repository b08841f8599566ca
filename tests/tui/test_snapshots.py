"""Snapshots of the main screen, normal and halted, from fixed data and a fixed clock.

Update after an intended change of layout with ``pytest tests/tui --snapshot-update`` and
look at the report before committing the new SVGs.
"""

from __future__ import annotations

import re

from textual.pilot import Pilot

from tests.tui.fakes import FixedVolex, fixed_clock
from tests.tui.helpers import settle, wait_still
from volex.tui.app import VolexApp

SIZE = (160, 48)


class SnapshotApp(VolexApp):
    """The dashboard, with the SVG's element-id prefix fixed.

    Rich derives that prefix from a hash of every segment's style, including metadata that
    never shows (mouse and selection offsets), which varies with what ran before in the same
    process. Everything visible (text, colours, layout) is still compared.
    """

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        svg = super().export_screenshot(title=title, simplify=simplify)
        return re.sub(r"terminal-\d+", "terminal-volex", svg)


def _app(*, halted: bool) -> VolexApp:
    return SnapshotApp(FixedVolex(halted=halted), live_refresh=False,  # type: ignore[arg-type]
                       clock=fixed_clock, ordered_reads=True)


async def _loaded(pilot: Pilot) -> None:
    await settle(pilot)
    await wait_still(pilot)
    await settle(pilot)


def test_main_screen(snap_compare) -> None:
    assert snap_compare(_app(halted=False), terminal_size=SIZE, run_before=_loaded)


def test_main_screen_halted(snap_compare) -> None:
    assert snap_compare(_app(halted=True), terminal_size=SIZE, run_before=_loaded)
