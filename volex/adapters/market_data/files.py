"""Candles from CSV or Parquet files, and the bundled sample of real Binance candles."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from volex.errors import DataFileError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CANDLE_COLUMNS",
    "normalize_candles",
    "read_candles_file",
    "sample_candles",
    "sample_symbols",
    "sample_timeframes",
]

CANDLE_COLUMNS = ["timestamp", "open", "high", "low", "close", "volume"]
# The sample was captured on 2025-08-26 shortly after 12:00 UTC; bars that had not closed
# by then (the last daily bar) are dropped so the sample holds closed bars only.
SAMPLE_CAPTURED_MS = 1_756_209_600_000
_SAMPLES = {("BTC/USDT", "1d"): "BTC_USDT_1d", ("BTC/USDT", "2h"): "BTC_USDT_2h",
            ("ETH/USDT", "2h"): "ETH_USDT_2h", ("DOGE/USDT", "2h"): "DOGE_USDT_2h"}


def normalize_candles(frame: pd.DataFrame, origin: str = "data") -> pd.DataFrame:
    """Check and clean a candle frame: UTC timestamps, float OHLCV, sorted, no duplicates.

    Timestamps may be ISO strings, datetimes or epoch numbers (s, ms, us or ns: told apart by
    their size).
    """
    import pandas as pd

    frame = frame.rename(columns=str.lower)
    if "date" in frame.columns and "timestamp" not in frame.columns:
        frame = frame.rename(columns={"date": "timestamp"})
    missing = [c for c in CANDLE_COLUMNS if c not in frame.columns]
    if missing:
        raise DataFileError(f"{origin}: missing column(s) {', '.join(missing)}; "
                            f"expected {','.join(CANDLE_COLUMNS)}")
    # a new frame over the same columns (no copy: every column is replaced below if it must change)
    frame = pd.DataFrame({c: frame[c] for c in CANDLE_COLUMNS}, copy=False)
    ts = frame["timestamp"]
    try:
        if pd.api.types.is_numeric_dtype(ts):
            frame["timestamp"] = pd.to_datetime(ts.astype("int64"), unit=_epoch_unit(ts, origin),
                                                utc=True)
        else:
            frame["timestamp"] = _parse_times(ts)
        for col in CANDLE_COLUMNS[1:]:
            if frame[col].dtype != "float64":  # readers usually give float64 already
                frame[col] = pd.to_numeric(frame[col], errors="raise").astype("float64")
    except (ValueError, TypeError, OverflowError) as exc:
        raise DataFileError(f"{origin}: malformed values ({str(exc).splitlines()[0]})") from None
    frame["timestamp"] = frame["timestamp"].astype("datetime64[ms, UTC]")
    frame = frame.dropna()
    stamps = frame["timestamp"].to_numpy("datetime64[ms]").view("int64")
    if not (stamps[1:] > stamps[:-1]).all():  # strictly increasing: sorted, no duplicates
        frame = frame.sort_values("timestamp", kind="stable").drop_duplicates("timestamp", keep="last")
    if frame.empty:
        raise DataFileError(f"{origin}: no candles")
    return frame.reset_index(drop=True)


# Epoch numbers of 1990..2100 in each unit do not overlap: the size of the number tells.
_EPOCH_UNITS = (("s", 6.3e8, 4.2e9), ("ms", 6.3e11, 4.2e12), ("us", 6.3e14, 4.2e15),
                ("ns", 6.3e17, 4.2e18))


def _epoch_unit(values: pd.Series, origin: str) -> str:
    """Seconds, milliseconds, micro- or nanoseconds since 1970, from the numbers' size."""
    low, high = float(values.min()), float(values.max())
    for unit, first, last in _EPOCH_UNITS:
        if first <= low and high <= last:
            return unit
    raise DataFileError(f"{origin}: timestamps {low:.0f}..{high:.0f} are not epoch seconds, "
                        "milliseconds, micro- or nanoseconds of 1990-2100; use ISO dates")


def _parse_times(values: pd.Series) -> pd.Series:
    import pandas as pd

    try:  # the fast path: one ISO 8601 layout for the whole column
        return pd.to_datetime(values, utc=True, format="ISO8601")
    except ValueError:
        return pd.to_datetime(values, utc=True, format="mixed", dayfirst=False)


def read_candles_file(path: str | Path) -> pd.DataFrame:
    """Read a CSV (optionally compressed) or Parquet candle file.

    CSV goes through pyarrow's reader, which parses ISO timestamps while it reads: a million
    bars take a fraction of pandas' C parser plus ``to_datetime``.
    """
    import pandas as pd
    import pyarrow as pa
    from pyarrow import csv

    file = Path(path)
    if not file.is_file():
        raise DataFileError(f"no such data file: {file}")
    try:
        if file.suffix.lower() in {".parquet", ".pq"}:
            frame = pd.read_parquet(file)
        else:
            frame = csv.read_csv(file).to_pandas(split_blocks=True, self_destruct=True)
    except (ValueError, OSError, UnicodeDecodeError, pa.ArrowException) as exc:
        raise DataFileError(f"cannot read {file}: {str(exc).splitlines()[0]}") from None
    return normalize_candles(frame, origin=str(file))


def sample_symbols() -> list[tuple[str, str]]:
    """(symbol, timeframe) pairs in the bundled sample."""
    return list(_SAMPLES)


def sample_timeframes(symbol: str) -> list[str]:
    """Timeframes the bundled sample holds for ``symbol``, longest first."""
    from volex.domain.timeframes import timeframe_ms

    return sorted((tf for sym, tf in _SAMPLES if sym == symbol), key=timeframe_ms, reverse=True)


def sample_candles(symbol: str, timeframe: str, *, closed_only: bool = True) -> pd.DataFrame | None:
    """Bundled real candles for ``symbol``/``timeframe``, or None when the sample lacks them.

    ``closed_only=False`` keeps the bar that was still forming at capture: a venue simulator
    serves the series exactly as the exchange published it.
    """
    name = _SAMPLES.get((symbol, timeframe))
    if name is None:
        return None
    import pandas as pd

    from volex.domain.timeframes import timeframe_ms

    with resources.files("volex.data").joinpath(f"{name}.csv.gz").open("rb") as fh:
        frame = normalize_candles(pd.read_csv(fh, compression="gzip"), origin=f"sample {name}")
    if not closed_only:
        return frame
    closes = frame["timestamp"].astype("int64") + timeframe_ms(timeframe)
    return frame[closes <= SAMPLE_CAPTURED_MS].reset_index(drop=True)
