"""`volex serve`: run this machine's agents as an HTTP service for other Volex processes."""

from __future__ import annotations

import ipaddress
import socket

import typer

from volex.commands.common import console, err_console, volex
from volex.errors import UserInputError

__all__ = ["register"]

AGENTS_HELP = ("Agents to serve, comma-separated: research, signal, risk, execution, meta "
               "(default: all).")


def _loopback(host: str) -> bool:
    """Whether ``host`` listens on this machine only (resolving names such as localhost)."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        raise UserInputError(f"--host {host!r}: no such interface or name") from None
    return all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def _agents(text: str | None) -> tuple[str, ...]:
    from volex.agents.server import SERVABLE

    if not text:
        return SERVABLE
    names = tuple(dict.fromkeys(n.strip().lower() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in SERVABLE]
    if unknown or not names:
        raise UserInputError(f"--agents: cannot serve {', '.join(unknown) or 'nothing'}; "
                             f"servable: {', '.join(SERVABLE)}")
    return names


def serve(
    ctx: typer.Context,
    agents: str = typer.Option(None, "--agents", help=AGENTS_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (0.0.0.0 for every interface)."),
    port: int = typer.Option(8100, "--port", min=1, max=65535, help="TCP port."),
    tls_cert: str = typer.Option(None, "--tls-cert", help="TLS certificate file (PEM)."),
    tls_key: str = typer.Option(None, "--tls-key", help="TLS private key file (PEM)."),
) -> None:
    """Serve agents over HTTP behind tokens and roles; other machines point `[agents.NAME] url` here."""
    import uvicorn

    from volex.agents.server import create_app

    served = _agents(agents)
    if (tls_cert is None) != (tls_key is None):
        raise UserInputError("give both --tls-cert and --tls-key, or neither")
    facade = volex(ctx)
    has_tokens = bool(facade.tokens())
    if not _loopback(host) and not has_tokens:
        raise UserInputError(f"refusing to listen on {host} without tokens: create one first "
                             "(volex tokens create NAME --role viewer)")
    if not has_tokens:
        err_console.print("no tokens yet: every request will be refused until you create one "
                          "(volex tokens create NAME --role viewer|trader|admin)", soft_wrap=True)
    if tls_cert is None:
        err_console.print("warning: no TLS (--tls-cert/--tls-key): tokens and orders travel "
                          "in clear text", soft_wrap=True)
    app = create_app(facade, served)
    scheme = "https" if tls_cert else "http"
    console.print(f"Volex agents on {scheme}://{host}:{port} ({', '.join(served)}); "
                  "Ctrl-C stops", markup=False)
    uvicorn.run(app, host=host, port=port, log_level="warning", ssl_certfile=tls_cert,
                ssl_keyfile=tls_key)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
