"""`volex serve`: run this machine's agents as an HTTP service for other Volex processes."""

from __future__ import annotations

import typer

from volex.commands.common import console, volex

__all__ = ["register"]


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (0.0.0.0 for every interface)."),
    port: int = typer.Option(8100, "--port", min=1, max=65535, help="TCP port."),
) -> None:
    """Serve the research and signal agents over HTTP; other machines point `[agents.NAME] url` here."""
    import uvicorn

    from volex.agents.server import create_app

    app = create_app(volex(ctx))
    console.print(f"Volex agents on http://{host}:{port} (research, signal); Ctrl-C stops")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
