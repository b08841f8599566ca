"""The packed forest and its calibrator as one ``.npz`` of plain arrays (no pickle, no sklearn)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np

from volex.ml.calibration import Calibrator
from volex.ml.forest import PackedForest

__all__ = ["read_predictor", "write_predictor"]

_FOREST_ARRAYS = [f.name for f in fields(PackedForest) if f.name != "depth"]


def write_predictor(path: Path, forest: PackedForest, calibrator: Calibrator) -> None:
    """Save ``forest`` and ``calibrator`` to ``path`` (an .npz file)."""
    arrays: dict[str, np.ndarray] = {f"forest_{n}": getattr(forest, n) for n in _FOREST_ARRAYS}
    arrays["forest_depth"] = np.asarray(forest.depth)
    arrays["cal_method"] = np.asarray(calibrator.method)
    arrays["cal_n_classes"] = np.asarray(calibrator.n_classes)
    for name in ("coef", "intercept"):
        if getattr(calibrator, name) is not None:
            arrays[f"cal_{name}"] = getattr(calibrator, name)
    for i, (x, y) in enumerate(calibrator.knots):
        arrays[f"cal_knot_x_{i}"], arrays[f"cal_knot_y_{i}"] = x, y
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def read_predictor(path: Path) -> tuple[PackedForest, Calibrator]:
    """Load what ``write_predictor`` saved."""
    with np.load(path, allow_pickle=False) as data:
        forest = PackedForest(**{n: data[f"forest_{n}"] for n in _FOREST_ARRAYS},
                              depth=int(data["forest_depth"]))
        n_classes = int(data["cal_n_classes"])
        knots = [(data[f"cal_knot_x_{i}"], data[f"cal_knot_y_{i}"])
                 for i in range(n_classes) if f"cal_knot_x_{i}" in data]
        calibrator = Calibrator(str(data["cal_method"]), n_classes,
                                coef=data.get("cal_coef"),
                                intercept=data.get("cal_intercept"),
                                knots=knots)
    return forest, calibrator
