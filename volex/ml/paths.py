"""Where a market's model lives, without importing the model code (asking is cheap)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["model_folder", "model_saved", "train_hint"]


def model_folder(root: Path, symbol: str, timeframe: str) -> Path:
    """The folder of the ``symbol``/``timeframe`` model under the registry ``root``."""
    return root / f"{symbol.replace('/', '-').replace(':', '_')}_{timeframe}"


def model_saved(root: Path, symbol: str, timeframe: str) -> bool:
    """True when a model was saved there (its metadata is written last, atomically)."""
    return (model_folder(root, symbol, timeframe) / "metadata.json").is_file()


def train_hint(symbol: str, timeframe: str) -> str:
    """What to run when no model is saved for the market."""
    return f"no model for {symbol} {timeframe} yet: `volex model train {symbol} --timeframe {timeframe}`"
