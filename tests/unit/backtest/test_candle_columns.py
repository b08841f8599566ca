"""A candle file read straight into numpy columns is the file read through pandas, row for row.

``volex backtest --data`` reads CSV files with pyarrow into arrays (no pandas); every other
reader makes a pandas frame. Both must give the same candles for any file a user may have:
ISO or epoch timestamps, a ``Date`` column, extra columns, blanks, unsorted or repeated bars,
compressed files, and the errors must be the same one-liners.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import candle_file
from volex.adapters.market_data.files import read_candle_columns, read_candles_file
from volex.domain.analysis import CandleSource
from volex.domain.candles import CandleSet, frame_to_columns
from volex.errors import DataFileError

BTC = pd.read_csv(candle_file("BTC_USDT_1d"), compression="gzip").head(300)


def _stamps(frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601")


def _variants() -> dict[str, tuple[str, bytes]]:
    """name -> (file suffix, file bytes)."""
    base = BTC.copy()
    ms = _stamps(base).dt.as_unit("ms").astype("int64")
    out = {}

    def csv(frame: pd.DataFrame, **kw: object) -> bytes:
        return frame.to_csv(index=False, **kw).encode()

    out["iso_z"] = (".csv", csv(base))
    out["epoch_ms"] = (".csv", csv(base.assign(timestamp=ms)))
    out["epoch_s"] = (".csv", csv(base.assign(timestamp=ms // 1000)))
    out["epoch_s_float"] = (".csv", csv(base.assign(timestamp=ms / 1000 + 0.25)))
    out["epoch_us"] = (".csv", csv(base.assign(timestamp=ms * 1000)))
    out["epoch_ns"] = (".csv", csv(base.assign(timestamp=ms * 1_000_000)))
    out["naive_iso_space"] = (".csv", csv(base.assign(
        timestamp=_stamps(base).dt.strftime("%Y-%m-%d %H:%M:%S"))))
    out["date_only"] = (".csv", csv(base.assign(timestamp=_stamps(base).dt.strftime("%Y-%m-%d"))))
    out["offset_plus2"] = (".csv", csv(base.assign(
        timestamp=(_stamps(base).dt.tz_convert("Etc/GMT-2")).dt.strftime("%Y-%m-%dT%H:%M:%S+02:00"))))
    out["millis_fraction"] = (".csv", csv(base.assign(
        timestamp=(_stamps(base) + pd.Timedelta(milliseconds=123)).dt.strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ"))))
    out["Date_capitalised_extra_columns"] = (".csv", csv(
        base.rename(columns={"timestamp": "Date", "close": "Close"}).assign(trades=7)))
    out["integer_volume"] = (".csv", csv(base.assign(volume=base["volume"].round().astype(int))))
    out["blank_row"] = (".csv", csv(base.astype({"close": object}).assign(
        close=lambda f: f["close"].where(f.index != 5, ""))))
    out["nan_value"] = (".csv", csv(base.assign(open=base["open"].where(base.index != 7))))
    out["unsorted_with_repeats"] = (".csv", csv(pd.concat([base.iloc[::-1], base.iloc[10:15]])))
    out["us_dates"] = (".csv", csv(base.assign(timestamp=_stamps(base).dt.strftime("%m/%d/%Y"))))
    out["gzip"] = (".csv.gz", gzip.compress(csv(base)))
    return out


VARIANTS = _variants()


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_numpy_columns_equal_the_pandas_reading(name: str, tmp_path: Path) -> None:
    suffix, content = VARIANTS[name]
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(content)
    expected = read_candles_file(path)
    columns = read_candle_columns(path)
    want = frame_to_columns(expected)
    assert list(columns) == list(want)
    for key in want:
        np.testing.assert_array_equal(columns[key], want[key], err_msg=key)
        assert columns[key].dtype == want[key].dtype
    # and the frame made from the columns when a caller asks for one is the pandas frame
    made = CandleSet.from_columns("X", "1d", columns, CandleSource(kind="file", name=str(path)))
    pd.testing.assert_frame_equal(made.frame, expected)


def test_parquet_gives_the_same_columns(tmp_path: Path) -> None:
    path = tmp_path / "btc.parquet"
    BTC.assign(timestamp=_stamps(BTC)).to_parquet(path)
    want = frame_to_columns(read_candles_file(path))
    got = read_candle_columns(path)
    for key in want:
        np.testing.assert_array_equal(got[key], want[key])


@pytest.mark.parametrize(("content", "message"), [
    (b"timestamp,open,high,low,close\n2024-01-01,1,1,1,1\n", r"missing column\(s\) volume"),
    (b"timestamp,open,high,low,close,volume\n", "no candles"),
    (b"timestamp,open,high,low,close,volume\n2024-01-01,1,x,1,1,1\n", "malformed values"),
    (b"timestamp,open,high,low,close,volume\n12,1,1,1,1,1\n", "not epoch seconds"),
])
def test_bad_files_fail_with_the_same_one_line_reason(tmp_path: Path, content: bytes,
                                                      message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=message) as via_pandas:
        read_candles_file(path)
    with pytest.raises(DataFileError, match=message) as via_numpy:
        read_candle_columns(path)
    assert str(via_numpy.value) == str(via_pandas.value)


def test_a_candle_set_gives_either_form_and_keeps_a_replaced_frame(tmp_path: Path) -> None:
    path = tmp_path / "btc.csv"
    path.write_bytes(VARIANTS["iso_z"][1])
    source = CandleSource(kind="file", name=str(path))
    candles = CandleSet.from_columns("BTC/USDT", "1d", read_candle_columns(path), source)
    assert len(candles) == 300 and candles.last_close == pytest.approx(BTC["close"].iloc[-1])
    candles.frame = candles.frame.tail(10)  # a window applied to the frame replaces both forms
    assert len(candles) == 10 and len(candles.columns["close"]) == 10
    with pytest.raises(TypeError):
        CandleSet("X", "1d", None, source)


def test_backtesting_a_csv_file_never_imports_pandas(tmp_path: Path) -> None:
    """The 1M-bar backtest goal (benchmarks/bench_backtest.py) rests on this: pandas alone costs
    0.3 s to import, and TA-Lib would import it for nothing; SQLAlchemy as much again."""
    path = tmp_path / "btc.csv"
    path.write_bytes(VARIANTS["iso_z"][1])
    code = ("import sys\n"
            f"sys.argv = ['volex', 'backtest', 'sma_cross', 'BTC/USDT', '--data', {str(path)!r},"
            " '--no-chart']\n"
            "from volex.cli import main\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "print('IMPORTED', sorted(m for m in ('pandas', 'sqlalchemy') if m in sys.modules))")
    for _ in range(2):  # the first run creates the store (SQLAlchemy's migrations); not the second
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
    assert "Total return" in out.stdout
    assert "IMPORTED []" in out.stdout
