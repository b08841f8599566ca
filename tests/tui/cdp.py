"""Just enough of the Chrome DevTools Protocol to load a page in headless Chromium and read
what its websockets received (textual-serve draws on a canvas, so the DOM holds no text)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

__all__ = ["Browser", "chromium_path", "headless_chromium"]

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1600,1000")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One page of a headless Chromium, driven over its DevTools websocket (aiohttp)."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self._next = 0
        self.frames: list[bytes] = []

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next += 1
        ident = self._next
        await self._ws.send_json({"id": ident, "method": method, "params": params})
        while True:
            message = await self._ws.receive_json(timeout=30)
            self._collect(message)
            if message.get("id") == ident:
                return message.get("result", {})

    async def pump_until(self, wanted: list[bytes], timeout: float) -> bool:
        """Receive events until every one of ``wanted`` arrived over the page's websockets."""
        deadline = time.monotonic() + timeout
        while not all(w in self.received() for w in wanted):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                self._collect(await self._ws.receive_json(timeout=left))
            except TimeoutError:
                return False
        return True

    def received(self) -> bytes:
        return b"".join(self.frames)

    def _collect(self, message: dict[str, Any]) -> None:
        if message.get("method") != "Network.webSocketFrameReceived":
            return
        response = message["params"]["response"]
        data = response.get("payloadData", "")
        self.frames.append(base64.b64decode(data) if response.get("opcode") == 2
                           else data.encode())

    async def screenshot(self, path: Path) -> int:
        data = base64.b64decode((await self.send("Page.captureScreenshot", format="png"))["data"])
        path.write_bytes(data)
        return len(data)


@contextlib.asynccontextmanager
async def headless_chromium(binary: str) -> AsyncIterator[Browser]:
    """A headless Chromium with one blank page; closed (and its profile removed) afterwards."""
    import aiohttp

    profile = tempfile.mkdtemp(prefix="volex-chromium-")
    process = await asyncio.create_subprocess_exec(
        binary, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or process.returncode is not None:
                raise RuntimeError("chromium did not open its DevTools port")
            await asyncio.sleep(0.1)
        port = port_file.read_text().split()[0]
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/json/list") as answer:
                pages = [t for t in await answer.json() if t["type"] == "page"]
            async with session.ws_connect(pages[0]["webSocketDebuggerUrl"],
                                          max_msg_size=0) as ws:
                yield Browser(ws)
    finally:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)
