"""`volex serve`, `volex tokens` and agent URLs from the command line."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.support.agent_server import free_port
from tests.support.cli import one_line_error, run


def test_a_url_for_an_agent_that_cannot_be_remote_is_refused(volex_home) -> None:
    line = one_line_error(run("config", "set", "agents.monitor.url", '"http://10.0.0.2:8100"'))
    assert "the monitor agent cannot be remote yet" in line
    assert not (volex_home / "config.toml").exists(), "a refused setting was written"
    line = one_line_error(run("config", "set", "agents.risk.url", '"http://10.0.0.2:8100"'))
    assert "set agents.execution.url instead" in line
    line = one_line_error(run("config", "set", "agents.execution.url",
                              '["http://10.0.0.2:8100", "http://10.0.0.3:8100"]'))
    assert "give one url" in line
    assert run("config", "set", "agents.execution.url", '"http://10.0.0.2:8100"').exit_code == 0
    assert run("config", "set", "agents.research.url",
               '["http://127.0.0.1:8100", "http://127.0.0.1:8101"]').exit_code == 0
    assert run("config", "set", "agents.signal.url", '"http://127.0.0.1:8100"').exit_code == 0
    assert run("config", "set", "agents.backtest.url",
               '["http://127.0.0.1:8100", "http://127.0.0.1:8101"]').exit_code == 0
    assert run("config", "set", "agents.optimize.url", '"http://127.0.0.1:8100"').exit_code == 0


def test_serve_without_tokens_says_how_to_make_one_and_refuses_requests(volex_home) -> None:
    import httpx

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "volex", "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health.status_code == 200
        refused = httpx.get(f"http://127.0.0.1:{port}/v1/status", timeout=5)
        assert refused.status_code == 401
    finally:
        server.terminate()
        _, err = server.communicate(timeout=10)
    assert "no tokens yet" in err and "volex tokens create" in err
    assert "no TLS" in err


def test_serve_with_tls_answers_https_and_does_not_warn(volex_home, tmp_path) -> None:
    import ssl

    import httpx

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    assert run("tokens", "create", "laptop", "--role", "viewer").exit_code == 0
    trusted = ssl.create_default_context(cafile=str(cert))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "volex", "serve", "--port", str(port),
                               "--tls-cert", str(cert), "--tls-key", str(key)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline, health = time.monotonic() + 20, None
        while health is None and time.monotonic() < deadline:
            try:
                health = httpx.get(f"https://127.0.0.1:{port}/v1/health", verify=trusted,
                                   timeout=1)
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None and health.status_code == 200
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2).raise_for_status()
    finally:
        server.terminate()
        out, err = server.communicate(timeout=10)
    assert f"https://127.0.0.1:{port}" in out
    assert "no TLS" not in err and "no tokens yet" not in err
