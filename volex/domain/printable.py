"""Text from users, venues, news and LLMs, made safe to show on a terminal.

A halt reason, an order's note, a headline or an LLM's answer may carry control characters:
``ESC ] 0 ; ... BEL`` retitles the terminal, ``ESC [ 2 J`` clears it, a right-to-left
override reorders what follows. Shown, they are escaped as visible text (``\\x1b]0;...``);
stored, they are left as they came. Newlines and tabs stay: they are layout, not commands.
"""

from __future__ import annotations

import re

__all__ = ["has_controls", "printable"]

# C0 but tab and newline, DEL, C1, and the bidirectional overrides and isolates.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def printable(text: str) -> str:
    """``text`` with every control character shown as its escape (``\\x1b``, ``\\u202e``)."""
    return _CONTROLS.sub(_escape, text)


def has_controls(text: str) -> bool:
    return _CONTROLS.search(text) is not None
