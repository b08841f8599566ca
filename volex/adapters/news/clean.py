"""Text from feeds made safe to store and show: plain text, no markup, no control characters.

Feeds carry HTML (and sometimes script) in titles and summaries; a terminal would also
obey raw control characters. Everything a source says goes through ``plain_text`` before it
is stored, so no front end ever sees it raw.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

__all__ = ["MAX_SUMMARY", "MAX_TITLE", "plain_text"]

MAX_TITLE = 300
MAX_SUMMARY = 1000
_SKIP = {"script", "style", "template", "noscript", "iframe", "object"}
# C0/C1 controls, DEL, and the bidirectional overrides that can reorder what a terminal shows.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")


class _Text(HTMLParser):
    """Collects text outside script-like elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag in {"br", "p", "div", "li"}:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _escape_control(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain_text(raw: str | None, limit: int = MAX_TITLE) -> str:
    """``raw`` without tags, script or entities, control characters escaped, one line,
    at most ``limit`` characters (an ellipsis marks a cut)."""
    if not raw:
        return ""
    text = raw
    if "<" in text or "&" in text:
        parser = _Text()
        parser.feed(text[: limit * 20])  # a huge item is cut before parsing, not after
        parser.close()
        text = html.unescape("".join(parser.parts))
    text = _SPACE.sub(" ", text.replace("\t", " ")).strip()
    text = _CONTROL.sub(_escape_control, text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
