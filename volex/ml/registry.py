"""Saved models under ``$VOLEX_HOME/models``: one folder per symbol and timeframe.

Each version (``versions/vN/``, see volex.ml.history) holds ``model.joblib`` (estimator and
calibrator), ``predict.npz`` (the packed forest and the calibrator as plain arrays: what
predictions need, loadable without importing scikit-learn) and ``metadata.json``
(everything `volex model list` shows), so listing never unpickles a model and predicting
never imports sklearn. The pointer file ``CURRENT`` names the version in use.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from volex.errors import StorageError, UserInputError
from volex.ml.features import FEATURE_NAMES, FEATURE_VERSION
from volex.ml.history import ModelHistory
from volex.ml.paths import model_folder
from volex.ml.predict import TrainedModel
from volex.ml.reports import ModelMetadata, ModelSpec

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ModelNotFound", "ModelRegistry", "ensure_model", "is_stale", "new_bars_since"]

_MODEL_FILE = "model.joblib"
_PREDICT_FILE = "predict.npz"
_META_FILE = "metadata.json"
_DEGRADED_FILE = "degraded.json"  # the drift watch's mark: the model must not drive trades


class ModelNotFound(UserInputError):
    """No saved model for a symbol and timeframe."""


class ModelRegistry:
    """Save, load and list models under ``root`` (normally ``$VOLEX_HOME/models``),
    keeping the last ``keep`` versions of each (``[improve] keep_models``)."""

    def __init__(self, root: str | Path | None = None, keep: int = 5) -> None:
        if root is None:
            from volex.config import volex_home

            root = volex_home() / "models"
        self.root = Path(root)
        self.keep = keep

    def path_for(self, symbol: str, timeframe: str) -> Path:
        return model_folder(self.root, symbol, timeframe)

    def save(self, model: TrainedModel, *, promoted: bool = True, reason: str = "",
             gate: dict[str, Any] | None = None) -> Path:
        """Write the model into a fresh folder, keep it as a new version and, when
        ``promoted``, switch the pointer to it in one step (a reader never sees half a
        model). An unpromoted model (a candidate that lost) is only kept in the history;
        the one in use stays."""
        folder = self.path_for(model.symbol, model.timeframe)
        history = self.history(model.symbol, model.timeframe)
        staging = folder / "versions" / f".staging-{uuid.uuid4().hex[:8]}"
        self._write_files(model, staging)
        history.add(staging, model.metadata, promoted=promoted, reason=reason, gate=gate)
        if promoted:
            self._clear_degraded(model.symbol, model.timeframe)
        return folder

    def mark_degraded(self, symbol: str, timeframe: str, reason: str,
                      details: dict[str, Any]) -> None:
        """Mark the model in use degraded: it stops driving trades until a new version is
        promoted or an older one rolled back (both clear the mark)."""
        folder = self.path_for(symbol, timeframe)
        tmp = folder / f".{_DEGRADED_FILE}.tmp"
        try:
            tmp.write_text(json.dumps({"reason": reason, **details}, default=str, indent=2))
            os.replace(tmp, folder / _DEGRADED_FILE)
        except OSError as exc:
            raise StorageError(f"cannot mark the model in {folder} degraded: {exc}") from exc

    def degraded(self, symbol: str, timeframe: str) -> str | None:
        """Why the model in use is degraded, or None (one stat when it is not)."""
        file = self.path_for(symbol, timeframe) / _DEGRADED_FILE
        if not file.is_file():
            return None
        try:
            return str(json.loads(file.read_text())["reason"])
        except (OSError, ValueError, KeyError):
            return "marked degraded (unreadable mark)"

    def _clear_degraded(self, symbol: str, timeframe: str) -> None:
        (self.path_for(symbol, timeframe) / _DEGRADED_FILE).unlink(missing_ok=True)

    def history(self, symbol: str, timeframe: str) -> ModelHistory:
        """The versions kept for this market (the last ``keep`` ones); a model saved before
        versions were kept becomes version 1."""
        history = ModelHistory(self.path_for(symbol, timeframe), self.keep)
        history.adopt_unversioned(self._read_metadata)
        return history

    def rollback(self, symbol: str, timeframe: str) -> tuple[int, int]:
        """Put the previously promoted model back in use; returns (from, to) versions."""
        self.metadata(symbol, timeframe)  # ModelNotFound when there is no model at all
        moved = self.history(symbol, timeframe).roll_back()
        self._clear_degraded(symbol, timeframe)
        return moved

    @staticmethod
    def _write_files(model: TrainedModel, folder: Path) -> None:
        """Every file of the model into ``folder``, a fresh one nobody reads yet."""
        import joblib

        try:
            folder.mkdir(parents=True, exist_ok=False)
            joblib.dump({"estimator": model.estimator, "calibrator": model.calibrator,
                         "forest": model.forest}, folder / _MODEL_FILE, compress=3)
            if model.forest is not None:  # the arrays predictions need (random forests only)
                from volex.ml.predictor_file import write_predictor

                write_predictor(folder / _PREDICT_FILE, model.forest, model.calibrator)
            (folder / _META_FILE).write_text(model.metadata.model_dump_json(indent=2))
        except OSError as exc:
            raise StorageError(f"cannot save the model in {folder}: {exc}") from exc

    def metadata(self, symbol: str, timeframe: str) -> ModelMetadata:
        """The saved metadata; ModelNotFound if there is no model."""
        file = self.path_for(symbol, timeframe) / _META_FILE
        if not file.is_file():
            raise ModelNotFound(f"no model for {symbol} {timeframe}; "
                                f"train one with `volex model train {symbol} "
                                f"--timeframe {timeframe}`")
        return self._read_metadata(file)

    def _read_metadata(self, file: Path) -> ModelMetadata:
        try:
            return ModelMetadata.model_validate(json.loads(file.read_text()))
        except (OSError, ValueError) as exc:
            raise StorageError(f"unreadable model metadata {file}: {exc}") from exc

    def load(self, symbol: str, timeframe: str, *, predict_only: bool = False) -> TrainedModel:
        """The model in use, every file from the one version the pointer names (read once).
        ``predict_only`` loads just what predictions need (no sklearn import) when the model
        has a packed form; ``estimator`` is then None."""
        self.metadata(symbol, timeframe)  # ModelNotFound when there is no model at all
        history = ModelHistory(self.path_for(symbol, timeframe), self.keep)
        for _ in range(3):
            live = history.live_dir()
            try:
                return self._load_from(live, symbol, timeframe, predict_only)
            except FileNotFoundError:  # that version was pruned under us: read the pointer again
                continue
        raise StorageError(f"the model for {symbol} {timeframe} kept disappearing while "
                           "loading; try again")

    def _load_from(self, live: Path, symbol: str, timeframe: str,
                   predict_only: bool) -> TrainedModel:
        metadata_file = live / _META_FILE
        if not metadata_file.is_file():
            raise FileNotFoundError(metadata_file)
        metadata = self._read_metadata(metadata_file)
        packed = live / _PREDICT_FILE
        if predict_only and packed.is_file():
            from volex.ml.predictor_file import read_predictor

            try:
                forest, calibrator = read_predictor(packed)
            except FileNotFoundError:
                raise
            except (OSError, ValueError, KeyError) as exc:
                raise StorageError(f"cannot load {packed} ({type(exc).__name__}); retrain with "
                                   f"`volex model train {symbol} --timeframe {timeframe}`") from exc
            return TrainedModel(estimator=None, calibrator=calibrator, metadata=metadata,
                                forest=forest)
        import joblib

        file = live / _MODEL_FILE
        try:
            parts: dict[str, Any] = joblib.load(file)
        except FileNotFoundError:
            raise
        except Exception as exc:  # unpickling can fail in many ways; all mean "retrain"
            raise StorageError(f"cannot load {file} ({type(exc).__name__}); retrain with "
                               f"`volex model train {symbol} --timeframe {timeframe}`") from exc
        return TrainedModel(estimator=parts["estimator"], calibrator=parts["calibrator"],
                            metadata=metadata, forest=parts.get("forest"))

    def list(self) -> list[ModelMetadata]:
        """Metadata of every saved model, sorted by symbol then timeframe."""
        if not self.root.is_dir():
            return []
        found = [self._read_metadata(meta) for meta in sorted(self.root.glob(f"*/{_META_FILE}"))]
        return sorted(found, key=lambda m: (m.symbol, m.timeframe))


def new_bars_since(metadata: ModelMetadata, candles: pd.DataFrame) -> int:
    """How many candles are newer than the last bar the model was trained on."""
    import pandas as pd

    return int((candles["timestamp"] > pd.Timestamp(metadata.last_bar)).sum())


def is_stale(metadata: ModelMetadata, candles: pd.DataFrame, retrain_after_bars: int) -> bool:
    """True when ``retrain_after_bars`` or more new bars have closed since training, or the
    model was built from a different feature set than this version computes."""
    if metadata.feature_version != FEATURE_VERSION or metadata.features != list(FEATURE_NAMES):
        return True
    return new_bars_since(metadata, candles) >= retrain_after_bars


def ensure_model(registry: ModelRegistry, candles: pd.DataFrame, symbol: str, timeframe: str,
                 settings: Any = None) -> TrainedModel:
    """The saved model, trained (and saved) first when missing or stale.

    ``settings`` is a ``Settings`` or ``SignalSettings``; its ``retrain_after_bars`` sets
    staleness (500 bars without settings, and a retrain then keeps the saved spec).
    """
    from volex.ml.training import train_model

    signal = getattr(settings, "signal", settings)
    retrain_after = getattr(signal, "retrain_after_bars", 500)
    try:
        model = registry.load(symbol, timeframe)
    except (ModelNotFound, StorageError):
        model = None
    if model is None or is_stale(model.metadata, candles, retrain_after):
        spec = (model.metadata.spec if settings is None and model is not None
                else ModelSpec.from_settings(settings))
        model = train_model(candles, symbol, timeframe, spec=spec)
        registry.save(model)
    return model
