"""One GET with a timeout, a total deadline and a size cap; httpx errors become VolexErrors.

Messages name the source, never the URL: a CryptoPanic URL carries its token.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from volex.errors import DataUnavailable, NetworkError, RateLimited

if TYPE_CHECKING:
    import httpx

__all__ = ["MAX_BYTES", "USER_AGENT", "get"]

MAX_BYTES = 5_000_000
USER_AGENT = "volex-news/1 (+https://github.com/volex)"


def get(client: httpx.Client, url: str, *, label: str, timeout_s: float,
        max_bytes: int = MAX_BYTES) -> tuple[bytes, str | None]:
    """The body and content type of ``url``, read within ``timeout_s`` in all."""
    import httpx

    deadline = time.monotonic() + timeout_s
    try:
        with client.stream("GET", url, timeout=timeout_s,
                           headers={"User-Agent": USER_AGENT}) as response:
            if response.status_code == 429:
                raise RateLimited(f"{label}: the source asked us to slow down (HTTP 429)")
            if response.status_code >= 500:
                raise NetworkError(f"{label}: the source failed (HTTP {response.status_code})")
            if response.status_code >= 400:
                raise DataUnavailable(f"{label}: the source refused (HTTP {response.status_code})")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise DataUnavailable(f"{label}: answer larger than {max_bytes:,} bytes")
                if time.monotonic() > deadline:
                    raise NetworkError(f"{label}: no complete answer within {timeout_s:g} s")
                chunks.append(chunk)
            return b"".join(chunks), response.headers.get("content-type")
    except httpx.TimeoutException as exc:
        raise NetworkError(f"{label}: no answer within {timeout_s:g} s") from exc
    except httpx.HTTPError as exc:
        raise NetworkError(f"{label}: unreachable ({type(exc).__name__})") from exc
