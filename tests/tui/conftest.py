"""Dashboard fixtures: an offline app over the real facade, in the test's private VOLEX_HOME."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from volex import Volex


@pytest.fixture
def volex() -> Iterator[Volex]:
    """A second facade on the same store: what another process (or the CLI) would see."""
    with Volex(offline=True, actor="cli") as instance:
        yield instance
