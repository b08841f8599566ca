"""The Volex error tree.

Every error a user can cause or meet is a VolexError; adapters translate library errors
(ccxt, SQLAlchemy, hvac, redis, openai, httpx) into these with ``raise ... from exc``.
The CLI prints ``str(error)`` on one line and exits with ``error.exit_code``.

    VolexError                      exit 1
    ├── UserInputError              exit 2  bad arguments, symbols, timeframes, settings
    │   ├── UnknownSymbol
    │   ├── UnknownTimeframe
    │   ├── UnknownExchange
    │   ├── DataFileError           missing or malformed candle file
    │   └── ConfigError             bad config file or setting
    ├── DataUnavailable             no candles from any source
    ├── NetworkError                temporary: timeouts, 5xx, connection refused (retryable)
    │   └── RateLimited             the venue asked us to slow down
    ├── ExchangeError               permanent answer from a venue
    │   ├── InsufficientFunds
    │   ├── InvalidOrder            precision, minimums, unknown order
    │   └── AuthenticationError
    ├── StorageError                database unreachable or inconsistent
    │   └── LeaseHeld               another autopilot holds the account's lease
    ├── SecretError                 secret store unreachable, secret missing or unsafe
    ├── BusError                    event bus or cache unreachable
    ├── LLMError                    LLM unreachable or answered badly
    ├── NotifyError                 a notification service did not take a message
    ├── RiskRejected                an order blocked by a risk rule (carries the checks)
    ├── TradingHalted               an order refused because trading is halted
    ├── AccessDenied                a served agent refused the token (missing, unknown, role)
    ├── Cancelled                   the person said no at a confirmation
    └── SignalHeld          exit 0  `--if-confident` and the signal says hold: an outcome,
                                    printed as one, never as an error
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "AuthenticationError",
    "BusError",
    "Cancelled",
    "ConfigError",
    "DataFileError",
    "DataUnavailable",
    "ExchangeError",
    "InsufficientFunds",
    "InvalidOrder",
    "LLMError",
    "LeaseHeld",
    "NetworkError",
    "NotifyError",
    "RateLimited",
    "RiskRejected",
    "SecretError",
    "SignalHeld",
    "StorageError",
    "TradingHalted",
    "UnknownExchange",
    "UnknownSymbol",
    "UnknownTimeframe",
    "UserInputError",
    "VolexError",
]


class VolexError(Exception):
    """Base of every error Volex raises on purpose."""

    exit_code = 1


class UserInputError(VolexError):
    exit_code = 2


class UnknownSymbol(UserInputError):
    pass


class UnknownTimeframe(UserInputError):
    pass


class UnknownExchange(UserInputError):
    pass


class DataFileError(UserInputError):
    pass


class ConfigError(UserInputError):
    pass


class DataUnavailable(VolexError):
    pass


class NetworkError(VolexError):
    """A temporary failure: the same request may succeed later."""


class RateLimited(NetworkError):
    """The venue asked us to slow down; ``retry_after_s`` is how long it asked for, if it said."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ExchangeError(VolexError):
    """A permanent answer from a venue: retrying the same request will not help."""


class InsufficientFunds(ExchangeError):
    pass


class InvalidOrder(ExchangeError):
    pass


class AuthenticationError(ExchangeError):
    pass


class StorageError(VolexError):
    pass


class LeaseHeld(StorageError):
    """Another autopilot runs on this account (the message names its host and pid)."""


class SecretError(VolexError):
    pass


class BusError(VolexError):
    pass


class LLMError(VolexError):
    pass


class NotifyError(VolexError):
    pass


class RiskRejected(VolexError):
    """An order blocked by risk rules; ``checks`` holds every check with its result."""

    exit_code = 3

    def __init__(self, message: str, checks: list | None = None) -> None:
        super().__init__(message)
        self.checks = checks or []


class TradingHalted(VolexError):
    exit_code = 4


class Cancelled(VolexError):
    exit_code = 1


class AccessDenied(VolexError):
    """A served agent refused the request's token: missing, unknown, expired or too weak a role."""


class SignalHeld(VolexError):
    """A trade asked ``--if-confident`` that the signal agent holds: nothing sent, no error."""

    exit_code = 0
