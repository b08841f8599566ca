"""Pilot helpers: wait for the dashboard's workers and screens the way a person waits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.pilot import Pilot

__all__ = ["settle", "type_text", "wait_for", "wait_still"]


async def wait_for(pilot: Pilot, condition: Callable[[], bool], timeout: float = 20.0,
                   what: str = "condition") -> None:
    """Let the app run until ``condition()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def settle(pilot: Pilot, timeout: float = 30.0) -> None:
    """Wait until no worker is running (only when no modal waits for an answer)."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        running = [w for w in app.workers if w.is_running]
        if not running:
            await pilot.pause()
            if not [w for w in app.workers if w.is_running]:
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"workers still running: {running}")
        await asyncio.sleep(0.05)


async def wait_still(pilot: Pilot, timeout: float = 20.0) -> None:
    """Wait until the screen stops changing: what it shows 0.2 s apart is the same.

    Widgets finish some layout on a later refresh (a table sizes its columns to what was
    added); on a loaded machine that comes later, and a snapshot taken at a fixed moment
    would catch a table still narrow.
    """
    deadline = time.monotonic() + timeout
    before = pilot.app.export_screenshot()
    while True:
        await pilot.pause(0.2)
        now = pilot.app.export_screenshot()
        if now == before:
            return
        if time.monotonic() > deadline:
            raise AssertionError("the screen kept changing")
        before = now


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` key by key, as a person would."""
    await pilot.press(*["space" if c == " " else c for c in text])


def plain(renderable: object, width: int = 120) -> str:
    """What a rich renderable reads as on a terminal ``width`` wide."""
    import io

    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()
