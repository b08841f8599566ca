"""The estimator factory: random_forest (default), lightgbm, hist_gradient_boosting.

Hyperparameters are fixed a priori, not searched on the evaluation folds: shallow,
heavily regularised learners, because the signal in crypto returns is faint and
over-fitted trees give confident probabilities that calibration then has to undo. The
forest's size (150 trees, each on a 30% sample) was set on the first 15,000 BTC/USDT 2h
bars (2017-2021) only: half the time of 200 trees on 50% samples, the same log loss there.

Threads: the forest uses ``n_jobs`` joblib threads (-1: every core). The boosting learners
run on OpenMP, whose threads spin-wait: on a 2-core machine shared with other work, two
OpenMP threads made a HistGradientBoosting fit 15x slower than one (7.5 s against 0.5 s
for 50 iterations on 2,200 rows). They get one thread unless ``n_jobs`` asks for more.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Literal

__all__ = ["MODEL_KINDS", "ModelKind", "library_versions", "make_estimator", "openmp_threads"]

ModelKind = Literal["random_forest", "lightgbm", "hist_gradient_boosting"]
MODEL_KINDS: tuple[str, ...] = ("random_forest", "lightgbm", "hist_gradient_boosting")


def make_estimator(kind: str = "random_forest", *, n_estimators: int = 150,
                   random_state: int = 7, n_jobs: int = -1) -> Any:
    """A fresh, unfitted classifier of ``kind`` with Volex's default settings."""
    if kind == "random_forest":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(
            n_estimators=n_estimators, max_depth=10, min_samples_leaf=40, max_features="sqrt",
            max_samples=0.3, n_jobs=n_jobs, random_state=random_state)
    if kind == "lightgbm":
        from lightgbm import LGBMClassifier

        return LGBMClassifier(
            n_estimators=n_estimators, learning_rate=0.03, num_leaves=15, min_child_samples=100,
            subsample=0.7, subsample_freq=1, colsample_bytree=0.7, reg_lambda=1.0,
            n_jobs=max(1, n_jobs), random_state=random_state, verbose=-1)
    if kind == "hist_gradient_boosting":
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(
            max_iter=n_estimators, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=100,
            l2_regularization=1.0, early_stopping=False, random_state=random_state)
    raise ValueError(f"unknown model kind {kind!r}; use one of {', '.join(MODEL_KINDS)}")


def openmp_threads(n_jobs: int) -> AbstractContextManager[Any]:
    """Cap OpenMP threads while fitting: ``n_jobs`` when above 1, else one.

    Enter it after the estimator is built, so that its OpenMP runtime is loaded.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=max(1, n_jobs), user_api="openmp")


def library_versions(kind: str) -> dict[str, str]:
    """Versions of the libraries a saved model depends on."""
    import platform

    import numpy
    import sklearn

    versions = {"python": platform.python_version(), "numpy": numpy.__version__,
                "scikit-learn": sklearn.__version__}
    if kind == "lightgbm":
        import lightgbm

        versions["lightgbm"] = lightgbm.__version__
    return versions
