"""Candles from CSV or Parquet files, and the bundled sample of real Binance candles."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from volex.errors import DataFileError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

T = TypeVar("T")

__all__ = [
    "CANDLE_COLUMNS",
    "normalize_candles",
    "read_candle_columns",
    "read_candles_file",
    "sample_candles",
    "sample_columns",
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

    file = _existing(path)
    if file.suffix.lower() in {".parquet", ".pq"}:
        frame = _guarded(file, lambda: pd.read_parquet(file))
    else:
        frame = _csv_table(file).to_pandas(split_blocks=True, self_destruct=True)
    return normalize_candles(frame, origin=str(file))


def read_candle_columns(path: str | Path) -> dict[str, np.ndarray]:
    """A candle file as numpy columns: what ``read_candles_file`` reads, without pandas.

    ``timestamp`` is int64 epoch milliseconds, the rest float64. A CSV file whose columns
    pyarrow already typed (ISO or epoch timestamps, numbers, no gaps, in time order) goes
    straight from Arrow to numpy; anything else (other date layouts, blanks, unsorted or
    repeated bars, Parquet) takes the pandas path and comes out the same.
    """
    from volex.domain.candles import frame_to_columns

    file = _existing(path)
    if file.suffix.lower() not in {".parquet", ".pq"}:
        table = _csv_table(file)
        columns = _typed_columns(table, str(file))
        if columns is not None:
            return columns
        frame = normalize_candles(table.to_pandas(split_blocks=True, self_destruct=True),
                                  origin=str(file))
    else:
        frame = read_candles_file(file)
    return frame_to_columns(frame)


def _existing(path: str | Path) -> Path:
    file = Path(path)
    if not file.is_file():
        raise DataFileError(f"no such data file: {file}")
    return file


def _guarded(file: Path, read: Callable[[], T]) -> T:
    import pyarrow as pa

    try:
        return read()
    except (ValueError, OSError, UnicodeDecodeError, pa.ArrowException) as exc:
        raise DataFileError(f"cannot read {file}: {str(exc).splitlines()[0]}") from None


def _csv_table(file: Path) -> pa.Table:
    from pyarrow import csv

    return _guarded(file, lambda: csv.read_csv(file))


_UNIT_TO_MS = {"s": (1000, 1), "ms": (1, 1), "us": (1, 1000), "ns": (1, 1_000_000)}


def _to_ms(values: np.ndarray, unit: str) -> np.ndarray:
    """int64 epoch ``unit``s as epoch milliseconds (finer units floored, as pandas does)."""
    up, down = _UNIT_TO_MS[unit]
    return values * up if up > 1 else values // down if down > 1 else values


def _typed_columns(table: pa.Table, origin: str) -> dict[str, np.ndarray] | None:
    """The candle columns straight from Arrow, or None when the pandas path must clean them."""
    import numpy as np
    import pyarrow as pa

    names = [name.lower() for name in table.column_names]
    if len(set(names)) != len(names) or table.num_rows == 0:
        return None
    index = {name: i for i, name in enumerate(names)}
    if "timestamp" not in index and "date" in index:
        index["timestamp"] = index["date"]
    if any(c not in index for c in CANDLE_COLUMNS):
        return None  # the pandas path names what is missing
    arrays = {}
    for name in CANDLE_COLUMNS:
        column = table.column(index[name])
        if column.null_count:
            return None
        arrays[name] = column.combine_chunks()
    out: dict[str, np.ndarray] = {}
    for name in CANDLE_COLUMNS[1:]:
        values = _numbers(arrays[name])
        if values is None or np.isnan(values).any():
            return None
        out[name] = values.astype(np.float64, copy=False)
    stamps, kind = arrays["timestamp"], arrays["timestamp"].type
    if pa.types.is_timestamp(kind):
        ms = _to_ms(_buffer(stamps, np.int64), kind.unit)
    elif pa.types.is_date32(kind):
        ms = _buffer(stamps, np.int32).astype(np.int64) * 86_400_000
    else:
        numbers = _numbers(stamps)
        if numbers is None or np.isnan(numbers).any():
            return None
        ms = _to_ms(numbers.astype(np.int64), _epoch_unit(numbers, origin))
    if not (ms[1:] > ms[:-1]).all():
        return None  # unsorted or repeated bars: the pandas path sorts and keeps the last
    out["timestamp"] = np.ascontiguousarray(ms, dtype=np.int64)
    return {name: out[name] for name in CANDLE_COLUMNS}


def _numbers(array: pa.Array) -> np.ndarray | None:
    """A float64 or int64 Arrow array's values (no copy), or None for any other type."""
    import numpy as np
    import pyarrow as pa

    if pa.types.is_float64(array.type):
        return _buffer(array, np.float64)
    if pa.types.is_int64(array.type):
        return _buffer(array, np.int64)
    return None


def _buffer(array: pa.Array, dtype: type) -> np.ndarray:
    """A fixed-width Arrow array without nulls as numpy, read from its data buffer.

    ``Array.to_numpy`` would do the same, but it imports pandas on the way (0.3 s).
    """
    import numpy as np

    size = np.dtype(dtype).itemsize
    return np.frombuffer(array.buffers()[1], dtype=dtype, count=len(array),
                         offset=array.offset * size)


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
    from volex.domain.candles import columns_to_frame

    columns = sample_columns(symbol, timeframe, closed_only=closed_only)
    return None if columns is None else columns_to_frame(columns)


def sample_columns(symbol: str, timeframe: str, *,
                   closed_only: bool = True) -> dict[str, np.ndarray] | None:
    """``sample_candles`` as numpy columns (what ``read_candle_columns`` gives), without pandas."""
    name = _SAMPLES.get((symbol, timeframe))
    if name is None:
        return None
    from volex.domain.timeframes import timeframe_ms

    with resources.as_file(resources.files("volex.data").joinpath(f"{name}.csv.gz")) as path:
        columns = read_candle_columns(path)
    if not closed_only:
        return columns
    closed = columns["timestamp"] + timeframe_ms(timeframe) <= SAMPLE_CAPTURED_MS
    return {name: values[closed] for name, values in columns.items()}
