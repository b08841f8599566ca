"""Numbers as a person types them, read one way only: the CLI and the nl parser share this.

A comma is a thousands separator only in its unambiguous form (``1,000``, ``12,500.5``: a
first group of 1-3 digits not starting with 0, then groups of exactly three). Anything else
with a comma (``5,0``, ``0,0001``, ``12,34,56``) could be a decimal comma, and reading it
either way can multiply an order by ten thousand: it is refused with the reason.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from volex.errors import UserInputError

__all__ = ["parse_decimal", "strip_thousands"]

# No amount, price or limit is anywhere near these; beyond them arithmetic would overflow.
MAX_MAGNITUDE = 14
MIN_MAGNITUDE = -18
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?$")


def strip_thousands(text: str) -> str:
    """``text`` without its thousands separators; a possible decimal comma is UserInputError."""
    if "," not in text:
        return text
    if _THOUSANDS.match(text):
        return text.replace(",", "")
    raise UserInputError(f"{text}: use a dot for decimals")


def parse_decimal(name: str, value: object) -> Decimal:
    """A number typed for ``name`` as a finite Decimal; anything else is UserInputError."""
    raw = str(value).strip()
    text = strip_thousands(raw).replace("_", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise UserInputError(f"{name}: {raw!r} is not a number") from None
    if not number.is_finite():
        raise UserInputError(f"{name}: {raw!r} is not a finite number")
    if number and not MIN_MAGNITUDE <= number.adjusted() <= MAX_MAGNITUDE:
        shown = raw if len(raw) <= 24 else f"{raw[:20]}... ({len(raw)} characters)"
        raise UserInputError(f"{name}: {shown} is out of range (1e{MIN_MAGNITUDE} to "
                             f"1e{MAX_MAGNITUDE + 1})")
    return number
