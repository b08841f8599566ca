"""`volex dashboard --web` serves the dashboard to a real browser (headless Chromium)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import in_ci
from tests.tui.cdp import chromium_path, headless_chromium


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _serving(url: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                answer = await client.get(url, timeout=2)
                if answer.status_code == 200:
                    return answer.text
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError(f"nothing served at {url}")


@pytest.mark.asyncio
@pytest.mark.slow
async def test_dashboard_web_shows_the_dashboard_in_chromium(volex_home: Path,
                                                            tmp_path: Path) -> None:
    binary = chromium_path()
    if binary is None:
        if in_ci():
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    port = _free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "volex", "dashboard", "--web", "--port", str(port), "--offline",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "VOLEX_HOME": str(volex_home)})
    try:
        page = await _serving(f"http://localhost:{port}/")
        assert "Volex dashboard" in page
        async with headless_chromium(binary) as browser:
            await browser.send("Network.enable")
            await browser.send("Page.enable")
            await browser.send("Page.navigate", url=f"http://localhost:{port}/")
            wanted = [b"Watchlist", b"BTC/USDT", b"PAPER", b"trading: ACTIVE"]
            shown = await browser.pump_until(wanted, timeout=45)
            missing = [w for w in wanted if w not in browser.received()]
            assert shown, f"the page never showed {missing}"
            # a click gives the terminal focus: the footer then lists the keys
            for kind in ("mousePressed", "mouseReleased"):
                await browser.send("Input.dispatchMouseEvent", type=kind, x=800, y=300,
                                   button="left", clickCount=1)
            keys = [b"Halt", b"Resume", b"Trade", b"Analyze", b"Quit"]
            assert await browser.pump_until(keys, timeout=20), "the footer never showed the keys"
            state = await browser.send("Runtime.evaluate",
                                       expression="document.body.className")
            assert "-first-byte" in state["result"]["value"]  # the terminal is on screen
            assert await browser.screenshot(tmp_path / "dashboard.png") > 10_000
    finally:
        server.terminate()
        try:
            await asyncio.wait_for(server.wait(), 10)
        except TimeoutError:
            server.kill()


def test_each_browser_session_runs_the_dashboard_with_the_same_options() -> None:
    from volex.commands.dashboard import web_command

    command = web_command(True, "4h", ["ETH/USDT", "SOL/USDT"], live=False)
    assert command.endswith("-m volex dashboard --offline --timeframe 4h "
                            "--symbol ETH/USDT --symbol SOL/USDT")
    assert "--web" not in command


def test_ui_is_an_alias_of_dashboard() -> None:
    from typer.testing import CliRunner

    from volex.cli import app

    result = CliRunner().invoke(app, ["ui", "--help"])
    assert result.exit_code == 0
    assert "--web" in result.output and "--port" in result.output
