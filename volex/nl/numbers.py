"""Numbers as people type them (60k, 1,000, $2.5k, 80%) and the amounts, prices and
percentages built from them. Each extractor consumes what it reads from a ``Scan``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from volex.domain.numbers import strip_thousands
from volex.errors import UserInputError

__all__ = ["NUM", "Scan", "decimal_comma_problems", "find_numbers", "number_at", "to_number"]

# A number: 1,000 | 0.5 | .5 | 60k | 2.5m | 1 thousand | 3 grand. It never starts inside
# another number, which also keeps every search linear on long runs of digits.
NUM = (
    r"(?:-\s?)?(?<![\d.])(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?<=\d)"
    r"(?:(?:k|m|mm|b|bn)(?![a-z])|\s(?:thousand|grand|million|billion)\b)?"
)
_NUM_RE = re.compile(rf"(?<![\w.])\$?(?P<num>{NUM})(?![a-z\d])(?P<pct>%)?")
_PARTS = re.compile(
    r"^(?P<neg>-\s?)?(?P<digits>[\d,]*\.?\d*)\s?(?P<suffix>k|mm|m|bn|b|thousand|grand|million|"
    r"billion)?$"
)
_MULTIPLIERS = {
    None: 1.0,
    "k": 1e3,
    "thousand": 1e3,
    "grand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
}


def to_number(raw: str) -> float:
    """'1,000' -> 1000.0, '2.5k' -> 2500.0, '-5' -> -5.0, '.5' -> 0.5 (ValueError for '0,5')."""
    match = _PARTS.match(raw.strip().lstrip("$"))
    if not match or not match.group("digits").strip(","):
        raise ValueError(f"not a number: {raw!r}")
    try:
        digits = strip_thousands(match.group("digits"))
    except UserInputError as exc:
        raise ValueError(str(exc)) from None
    value = float(digits) * _MULTIPLIERS[match.group("suffix")]
    value = round(value, 10)
    return -value if match.group("neg") else value


_COMMA_NUMBER = re.compile(r"(?<![\w.,])\d+(?:,\d+)+(?:\.\d+)?(?![\w,])")


def decimal_comma_problems(text: str) -> list[str]:
    """Why each number in ``text`` that could be read two ways (``0,5``) is refused."""
    problems = []
    for match in _COMMA_NUMBER.finditer(text):
        try:
            strip_thousands(match.group())
        except UserInputError as exc:
            problems.append(str(exc))
    return problems


def number_at(match: re.Match[str], group: str = "num") -> float:
    """The number a regex group captured (a NUM)."""
    return to_number(match.group(group))


@dataclass
class Scan:
    """The normalized text of one command, with the parts already read blanked out."""

    text: str

    def find(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        return pattern.search(self.text)

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """Find ``pattern`` and blank what it matched so no later rule reads it again."""
        match = pattern.search(self.text)
        if match:
            self.blank(match.start(), match.end())
        return match

    def blank(self, start: int, end: int) -> None:
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]

    def has(self, pattern: re.Pattern[str]) -> bool:
        return pattern.search(self.text) is not None


def find_numbers(scan: Scan) -> list[tuple[float, bool, re.Match[str]]]:
    """Every number still unread: (value, had a % sign, match)."""
    out = []
    for match in _NUM_RE.finditer(scan.text):
        try:
            out.append((to_number(match.group("num")), bool(match.group("pct")), match))
        except ValueError:
            continue
    return out
