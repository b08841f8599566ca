"""Crash points for failover drills: ``VOLEX_AUTOPILOT_CRASH_AT=after_intent`` kills the
process (SIGKILL, no clean-up at all) the first time the chain passes that point.

They exist so tests can prove, with real processes, that a restart after a crash at any step
of the chain neither trades a bar twice nor loses one. Unset, a crash point costs one dict
look-up.
"""

from __future__ import annotations

import os
import signal

__all__ = ["CRASH_POINTS", "crash_point"]

CRASH_POINTS = ("after_decision", "after_intent", "after_send", "after_fill")
_ENV = "VOLEX_AUTOPILOT_CRASH_AT"


def crash_point(name: str) -> None:
    """Die here, like a kill -9, when the drill asks for this point."""
    if os.environ.get(_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
