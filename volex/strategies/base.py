"""The strategy interface: a typed parameter schema, constraints and ``generate``.

A strategy turns candles into a target position per bar: 1 (long) or 0 (flat). The
signal of bar ``i`` is computed on that bar's close; the backtest engine acts on it at the
open of bar ``i + 1``. ``candles`` is any mapping of column name to array (a pandas
DataFrame with timestamp, open, high, low, close, volume, or a dict of numpy arrays).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from volex.errors import UserInputError

__all__ = [
    "Constraint",
    "Param",
    "ParamValue",
    "Strategy",
    "as_array",
    "cross_position",
    "crossed_above",
    "hysteresis",
    "parse_param_args",
]

ParamValue = int | float


@dataclass(frozen=True)
class Param:
    """One tunable parameter: its default, valid range (inclusive) and grid step."""

    name: str
    default: ParamValue
    low: ParamValue
    high: ParamValue
    step: ParamValue = 1
    help: str = ""

    @property
    def is_int(self) -> bool:
        return all(isinstance(v, int) for v in (self.default, self.low, self.high, self.step))

    def grid(self) -> list[ParamValue]:
        """Every value from ``low`` to ``high`` in steps of ``step``."""
        count = int((self.high - self.low) / self.step + 1e-9) + 1
        values = [self.low + i * self.step for i in range(count)]
        if self.is_int:
            return [int(v) for v in values]
        return [round(float(v), 10) for v in values]

    def coerce(self, raw: Any) -> ParamValue:
        """``raw`` (a string from the command line, or a number) as this parameter's type."""
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise UserInputError(f"parameter {self.name}: {raw!r} is not a number") from None
        if not math.isfinite(value):
            raise UserInputError(f"parameter {self.name}: {raw!r} is not a finite number")
        if self.is_int:
            if value != int(value):
                raise UserInputError(f"parameter {self.name} must be a whole number, got {raw}")
            value = int(value)
        if not self.low <= value <= self.high:
            raise UserInputError(
                f"parameter {self.name}={raw} is outside its range {self.low}..{self.high}")
        return value


@dataclass(frozen=True)
class Constraint:
    """A rule across parameters, e.g. ``fast < slow``; ``text`` is what the user reads."""

    text: str
    check: Callable[[Mapping[str, ParamValue]], bool]


class Strategy:
    """Base class of every strategy template and of user strategies loaded from a file.

    Subclasses set ``name``, ``description``, ``params`` (and ``constraints``) and
    implement ``generate``. Spot, long-only: the target is 1 (long) or 0 (flat).
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    params: ClassVar[tuple[Param, ...]] = ()
    constraints: ClassVar[tuple[Constraint, ...]] = ()
    # What the entry is named after ("cross", "breakout"), for strategies that enter on an
    # event: a live run started while such a target is already long waits for the next event
    # rather than buying a move that began before it. None for level rules ("RSI below 30"),
    # which may be entered whenever they hold.
    entry_event: ClassVar[str | None] = None
    source: str = "builtin"

    def generate(self, candles: Mapping[str, Any], params: Mapping[str, ParamValue]) -> np.ndarray:
        """Target position per bar (1 long / 0 flat), decided on each bar's close."""
        raise NotImplementedError

    def targets(self, candles: Mapping[str, Any], params: Mapping[str, ParamValue]) -> np.ndarray:
        """``generate`` as a checked float array: one target per bar, NaN counted as flat.

        A strategy loaded from a file that fails or returns the wrong shape is the user's to
        fix, so it becomes a UserInputError naming the file; a built-in failing is a bug.
        """
        bars = len(candles["close"])
        try:
            raw = np.asarray(self.generate(candles, params), dtype=np.float64)
        except Exception as exc:
            if self.source == "builtin":
                raise
            raise UserInputError(f"strategy {self.name} ({self.source}) failed: "
                                 f"{type(exc).__name__}: {exc}") from None
        if raw.shape != (bars,):
            raise UserInputError(f"strategy {self.name} returned {raw.shape[0] if raw.ndim else 0}"
                                 f" targets for {bars} bars")
        return np.nan_to_num(raw, nan=0.0)

    # -- parameters ---------------------------------------------------------------
    def defaults(self) -> dict[str, ParamValue]:
        return {p.name: p.default for p in self.params}

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise UserInputError(f"{self.name} has no parameter {name!r} (parameters: {known})")

    def violations(self, params: Mapping[str, ParamValue]) -> list[str]:
        """The constraints ``params`` break (empty when valid)."""
        return [c.text for c in self.constraints if not c.check(params)]

    def resolve(self, overrides: Mapping[str, Any] | None = None,
                base: Mapping[str, ParamValue] | None = None) -> dict[str, ParamValue]:
        """Defaults, then ``base`` (e.g. saved best parameters), then ``overrides``; checked."""
        values = self.defaults()
        for source in (base or {}, overrides or {}):
            for key, raw in source.items():
                values[key] = self.param(key).coerce(raw)
        broken = self.violations(values)
        if broken:
            shown = ", ".join(f"{k}={v}" for k, v in values.items())
            raise UserInputError(f"{self.name}: constraint {broken[0]} is violated ({shown})")
        return values

    def describe(self) -> dict[str, Any]:
        """The schema as plain data (for ``strategy show`` and ``--json``)."""
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "params": [
                {"name": p.name, "default": p.default, "low": p.low, "high": p.high,
                 "step": p.step, "type": "int" if p.is_int else "float", "help": p.help}
                for p in self.params
            ],
            "constraints": [c.text for c in self.constraints],
        }


def parse_param_args(items: Iterable[str] | None) -> dict[str, str]:
    """``["fast=10", "slow=30"]`` as ``{"fast": "10", "slow": "30"}``; bad items raise."""
    values: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UserInputError(f"bad --param {item!r}: expected NAME=VALUE, e.g. fast=10")
        values[key.strip()] = value.strip()
    return values


def as_array(candles: Mapping[str, Any], column: str) -> np.ndarray:
    """A candle column as a contiguous float64 array (what TA-Lib wants)."""
    return np.ascontiguousarray(candles[column], dtype=np.float64)


def crossed_above(line: np.ndarray, other: np.ndarray) -> np.ndarray:
    """True on the bars where ``line`` crosses above ``other``: below on the bar before, above now.

    The rule of backtesting.py's ``lib.crossover`` (strict on both bars), so a line that is
    already above when the data starts has not crossed, and NaN warm-up never counts.
    """
    out = np.zeros(len(line), dtype=bool)
    with np.errstate(invalid="ignore"):
        out[1:] = (line[:-1] < other[:-1]) & (line[1:] > other[1:])
    return out


def cross_position(fast: np.ndarray, slow: np.ndarray) -> np.ndarray:
    """Long from a bar where ``fast`` crosses above ``slow`` until it crosses back below.

    Event-based: history that opens with the fast line already above waits for the next cross.
    """
    return hysteresis(crossed_above(fast, slow), crossed_above(slow, fast))


def hysteresis(enter: np.ndarray, leave: np.ndarray) -> np.ndarray:
    """Long from a bar where ``enter`` holds until a bar where ``leave`` holds (leave wins)."""
    event = enter | leave
    last_event = np.maximum.accumulate(np.where(event, np.arange(len(event)), -1))
    state = np.where(last_event >= 0, ~leave[np.maximum(last_event, 0)], False)
    return state.astype(np.int8)
