"""Which headlines tell the same story, and which assets a headline concerns.

Two sources rarely word a story alike ("Bitcoin tops $100,000 for the first time" /
"Bitcoin price tops $100K for first time ever"), so titles are compared after normalising
(case, punctuation, "100k" vs "100,000", filler words) by word overlap and by difflib's
sequence ratio. Assets come from the parser's table (``volex.domain.assets``, the one the
plain-English parser reads): names anywhere, tickers that are also English words ("LINK",
"DOT", "NEAR") only in capitals.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

from volex.domain.assets import ASSET_NAMES

__all__ = ["StoryIndex", "assets_in", "normalise_title", "same_story"]

_FILLER = frozenset(["a", "an", "the", "to", "of", "in", "on", "for", "as", "at", "by", "is", "are", "was", "be", "its", "it", "and", "or", "with", "from", "after", "amid", "over", "new", "first", "ever", "price", "says", "report", "reports"])
_NON_WORD = re.compile(r"[^a-z0-9$ ]+")
_THOUSANDS = re.compile(r"(\d+),(\d{3})\b")
_K = re.compile(r"\b(\d+)k\b")
_MERGE_RATIO = 0.8
_MERGE_OVERLAP = 0.6  # shared words / all words
_TICKER_RE = re.compile(r"(?<![\w])\$?([A-Z][A-Z0-9]{1,5})(?![\w])")
_CAPS_TICKERS = {n.upper(): t for n, t in ASSET_NAMES.items() if len(n) <= 5}


def normalise_title(title: str) -> str:
    text = _K.sub(r"\g<1>000", _THOUSANDS.sub(r"\1\2", title.lower()))
    words = _NON_WORD.sub(" ", text).split()
    return " ".join(w for w in words if w not in _FILLER)


def _numbers(words: set[str]) -> set[str]:
    return {w for w in words if any(c.isdigit() for c in w)}


def same_story(a: str, b: str) -> bool:
    """True when two normalised titles tell the same story."""
    if a == b:
        return True
    wa, wb = set(a.split()), set(b.split())
    if not wa or not wb:
        return False
    numbers_a, numbers_b = _numbers(wa), _numbers(wb)
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return False  # "falls below $60000" on Monday, "falls below $58000" on Tuesday
    if len(wa & wb) / len(wa | wb) >= _MERGE_OVERLAP and len(wa & wb) >= 3:
        return True
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= _MERGE_RATIO and matcher.quick_ratio() >= _MERGE_RATIO \
        and matcher.ratio() >= _MERGE_RATIO


class StoryIndex:
    """Recent headlines by word, so a new one is compared only with those sharing words."""

    def __init__(self) -> None:
        self._titles: list[tuple[str, str]] = []  # (normalised title, story id)
        self._by_word: dict[str, list[int]] = {}

    def add(self, title: str, story: str) -> None:
        index = len(self._titles)
        self._titles.append((title, story))
        for word in set(title.split()):
            self._by_word.setdefault(word, []).append(index)

    def find(self, title: str) -> str | None:
        """The story of an indexed headline telling the same story as ``title``, if any."""
        words = set(title.split())
        shared = Counter(i for w in words for i in self._by_word.get(w, ()))
        need = max(2, len(words) // 3)
        for index, count in shared.most_common():
            if count < need:
                break
            other, story = self._titles[index]
            if same_story(title, other):
                return story
        return None


@lru_cache(maxsize=1)
def _name_re() -> re.Pattern[str]:
    """Names in any case, except those too common as words ("link", "near", "one"): the
    parser's ambiguous tickers, which count only in capitals. Built on first use (importing
    the parser costs a tenth of a second that reading stored news does not need)."""
    from volex.nl.lexicon import AMBIGUOUS_TICKERS

    names = sorted((n for n in ASSET_NAMES if n not in AMBIGUOUS_TICKERS and len(n) > 2),
                   key=len, reverse=True)
    return re.compile(r"(?<![\w$])(" + "|".join(re.escape(n) for n in names) + r")(?!\w)",
                      re.IGNORECASE)


@lru_cache(maxsize=4096)
def assets_in(text: str) -> tuple[str, ...]:
    """Tickers of the assets ``text`` names, in order of first mention."""
    found: dict[str, None] = {}
    for match in _name_re().finditer(text):
        found.setdefault(ASSET_NAMES[match.group(1).lower()], None)
    for match in _TICKER_RE.finditer(text):
        ticker = _CAPS_TICKERS.get(match.group(1))
        if ticker:
            found.setdefault(ticker, None)
    return tuple(found)
