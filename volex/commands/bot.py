"""`volex bot telegram`: control Volex from a phone, through allow-listed Telegram chats."""

from __future__ import annotations

import typer

from volex.commands.common import console, volex
from volex.errors import ConfigError

__all__ = ["register"]

bot_app = typer.Typer(help="Chat bots that take the shell's plain English.", no_args_is_help=True)


@bot_app.command("telegram")
def telegram(ctx: typer.Context) -> None:
    """Long-poll Telegram: allow-listed chats (bot.telegram_chats) talk to Volex with their role."""
    import threading

    from volex.bot.telegram import TelegramBot

    facade = volex(ctx)
    stored = facade.runtime.secrets.get("telegram") or {}
    token = stored.get("api_key") or stored.get("token")
    if not token:
        raise ConfigError("no bot token: store it with `volex secrets set telegram --key-only`")
    chats = facade.settings.bot.telegram_chats
    if not chats:
        raise ConfigError("no chat is allowed: volex config set bot.telegram_chats "
                          "'{\"CHAT_ID\" = \"trader\"}'")
    bot = TelegramBot(facade, token, chats, api=facade.settings.bot.telegram_api)
    console.print(f"Telegram bot polling for {len(chats)} chat(s); Ctrl-C stops", markup=False)
    stop = threading.Event()
    try:
        bot.run(stop)
    except KeyboardInterrupt:
        stop.set()
    finally:
        bot.close()


def register(app: typer.Typer) -> None:
    app.add_typer(bot_app, name="bot")
