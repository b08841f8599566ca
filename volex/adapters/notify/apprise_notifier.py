"""The Notifier port on apprise: one URL syntax for Telegram, Discord, Slack, email, ntfy...

Thin on purpose. Each send builds the plugin for one URL (so a per-message ``silent`` and the
timeouts are set on that instance only), sends, and turns a refusal into ``NotifyError``
whose text is apprise's own warning with every URL part masked.

``api_base`` points a service with a fixed address at another one (a self-hosted Telegram
Bot API server, or a loopback server in tests): ``{"telegram": "http://127.0.0.1:8081/bot"}``.
"""

from __future__ import annotations

import logging
from typing import Any

from volex.adapters.secrets.redact import redact_text, remember_notify_url
from volex.domain.printable import printable
from volex.errors import NotifyError, UserInputError
from volex.ports import Notification

__all__ = ["SERVICE_ADDRESS_ATTRIBUTES", "AppriseNotifier"]

# Plugins whose API address is a class attribute rather than part of the URL.
SERVICE_ADDRESS_ATTRIBUTES = {"telegram": "notify_url", "discord": "notify_url",
                              "slack": "webhook_url"}
_SILENT_ARGS = {"tgram": {"silent": "yes"}, "ntfy": {"priority": "min"},
                "ntfys": {"priority": "min"}, "pover": {"priority": "-2"}}


class AppriseNotifier:
    """Sends one notification per call through apprise; never shows a URL."""

    def __init__(self, timeout_s: float = 10.0, api_base: dict[str, str] | None = None) -> None:
        self.timeout_s = timeout_s
        self.api_base = {k.lower(): v for k, v in (api_base or {}).items()}

    def service(self, url: str) -> str:
        return self._plugin(url, silent=False).service_name

    def send(self, url: str, message: Notification) -> None:
        import apprise

        plugin = self._plugin(url, silent=message.silent)
        kind = {"critical": apprise.NotifyType.FAILURE,
                "warning": apprise.NotifyType.WARNING}.get(message.level, apprise.NotifyType.INFO)
        with apprise.LogCapture(level=logging.WARNING) as captured:
            try:
                # text from users, venues, news and LLMs reaches a phone escaped, as on a screen
                ok = plugin.notify(body=printable(message.body), title=printable(message.title),
                                   notify_type=kind)
            except Exception as exc:  # noqa: BLE001 - a plugin bug must not reach the caller raw
                raise NotifyError(f"{plugin.service_name}: {redact_text(str(exc))}") from None
        if not ok:
            said = captured.getvalue().strip().splitlines()
            why = redact_text(said[-1].split(" - ", 2)[-1]) if said else "not delivered"
            raise NotifyError(f"{plugin.service_name}: {why}")

    def _plugin(self, url: str, *, silent: bool) -> Any:
        import apprise

        remember_notify_url(url)
        extra = {"cto": f"{min(self.timeout_s, 10.0):g}", "rto": f"{self.timeout_s:g}"}
        scheme = url.split("://", 1)[0].lower()
        if silent:
            extra.update(_SILENT_ARGS.get(scheme, {}))
        joiner = "&" if "?" in url else "?"
        full = url + joiner + "&".join(f"{k}={v}" for k, v in extra.items()
                                       if f"{k}=" not in url)
        plugin = apprise.Apprise.instantiate(full, suppress_exceptions=True)
        if plugin is None:
            # The URL is not repeated: it may hold a token.
            raise UserInputError(f"not a notification URL apprise understands ({scheme}://...); "
                                 "see https://github.com/caronc/apprise/wiki")
        for service, attribute in SERVICE_ADDRESS_ATTRIBUTES.items():
            if service in self.api_base and service in type(plugin).__name__.lower():
                setattr(plugin, attribute, self.api_base[service])
        return plugin
