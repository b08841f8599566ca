"""The last N models of one symbol and timeframe, so a bad promotion can be undone.

A model folder keeps every saved version whole in its own folder ``versions/vN/`` (written
under a temporary name, then renamed in one step) with ``history.json`` listing them: when
each was trained, on which bars, its out-of-sample scores, whether it was promoted and why.
Which one is in use is one pointer file, ``CURRENT``, switched by a single ``os.replace``
(promotion and rollback alike); a reader resolves the pointer once and loads every file from
that version's folder, so it gets the old model or the new one, never a mix. The top-level
``metadata.json`` is a copy of the one in use, for listing only.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from volex.errors import StorageError, UserInputError
from volex.ml.metrics import ReliabilityBin

__all__ = ["HISTORY_FILE", "ModelHistory", "ModelVersion", "hit_rate_at", "trading_record"]

HISTORY_FILE = "history.json"
POINTER_FILE = "CURRENT"  # the version in use, e.g. "v3"
MODEL_FILES = ("model.joblib", "predict.npz", "metadata.json")  # metadata last: the commit


class ModelVersion(BaseModel):
    """One saved model: what `volex model history` lists."""

    version: int
    created_at: datetime
    first_bar: datetime
    last_bar: datetime
    kind: str
    log_loss: float  # its own walk-forward, out of sample
    promoted: bool  # put in use when saved (a candidate that lost stays unpromoted)
    reason: str = ""
    gate: dict[str, Any] = {}  # the promotion decision's numbers, when `volex improve` saved it
    track_record: list[ReliabilityBin] = []  # out of sample, up/down calls (see trading_record)


def hit_rate_at(track_record: list[ReliabilityBin], threshold: float) -> tuple[int, float | None]:
    """Calls at or above ``threshold`` confidence and how often they were right."""
    chosen = [b for b in track_record if b.lower >= threshold - 1e-9]
    calls = sum(b.calls for b in chosen)
    return calls, (round(sum(b.right for b in chosen) / calls, 4) if calls else None)


def trading_record(meta: Any) -> list[ReliabilityBin]:
    """The out-of-sample record trading calls are judged by: up/down calls only when the
    model has it (models trained before it was kept fall back to every call)."""
    return meta.evaluation.directional_record or meta.evaluation.track_record


class _Index(BaseModel):
    in_use: int | None = None
    versions: list[ModelVersion] = []


class ModelHistory:
    """The versions kept in one model folder (``keep`` most recent, plus the one in use)."""

    def __init__(self, folder: Path, keep: int = 5) -> None:
        self.folder = folder
        self.keep = max(1, keep)

    @property
    def _file(self) -> Path:
        return self.folder / HISTORY_FILE

    def _dir(self, version: int) -> Path:
        return self.folder / "versions" / f"v{version}"

    def _read(self) -> _Index:
        if not self._file.is_file():
            return _Index()
        try:
            return _Index.model_validate(json.loads(self._file.read_text()))
        except (OSError, ValueError) as exc:
            raise StorageError(f"unreadable model history {self._file}: {exc}") from exc

    def _write(self, index: _Index) -> None:
        tmp = self.folder / f".{HISTORY_FILE}.tmp"
        tmp.write_text(index.model_dump_json(indent=2))
        os.replace(tmp, self._file)

    def live_dir(self) -> Path:
        """The folder of the model in use: the pointer's version (the folder itself for a
        model saved before versions were kept)."""
        try:
            name = (self.folder / POINTER_FILE).read_text().strip()
        except FileNotFoundError:
            return self.folder
        except OSError as exc:
            raise StorageError(f"unreadable model pointer in {self.folder}: {exc}") from exc
        return self.folder / "versions" / name

    def in_use(self) -> int | None:
        return self._read().in_use

    def versions(self) -> list[ModelVersion]:
        """Oldest first."""
        return self._read().versions

    def adopt_unversioned(self, metadata_of: Any) -> None:
        """A model saved before history existed becomes version 1 (so it can come back)."""
        if self._file.is_file() or not (self.folder / "metadata.json").is_file():
            return
        meta = metadata_of(self.folder / "metadata.json")
        staging = self.folder / "versions" / ".adopting"
        self._copy(self.folder, staging)
        self._settle(staging, 1)
        self._write(_Index(in_use=1, versions=[_entry(1, meta, True, "saved before history")]))
        self._point(1)

    def add(self, source: Path, metadata: Any, *, promoted: bool, reason: str = "",
            gate: dict[str, Any] | None = None) -> int:
        """Keep the whole folder ``source`` (moved, not copied) as a new version, and put it
        in use when ``promoted`` (one switch of the pointer); returns its number."""
        index = self._read()
        number = max((v.version for v in index.versions), default=0) + 1
        self._settle(source, number)
        index.versions.append(_entry(number, metadata, promoted, reason, gate or {}))
        if promoted:
            index.in_use = number
        self._prune(index)
        self._write(index)
        if promoted:
            self._point(number)
        return number

    def _settle(self, source: Path, number: int) -> None:
        """Move a fully written folder to ``versions/vN`` in one rename (a leftover of a run
        that died before recording it is not referenced by anything: it goes)."""
        target = self._dir(number)
        try:
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        except OSError as exc:
            raise StorageError(f"cannot keep the model in {target}: {exc}") from exc

    def _point(self, number: int) -> None:
        """Put version ``number`` in use: the pointer switches in one ``os.replace``; then
        the listing copy of its metadata follows."""
        try:
            tmp = self.folder / f".{POINTER_FILE}.tmp"
            tmp.write_text(f"v{number}\n")
            os.replace(tmp, self.folder / POINTER_FILE)
            meta_tmp = self.folder / ".metadata.json.copy"
            shutil.copy2(self._dir(number) / "metadata.json", meta_tmp)
            os.replace(meta_tmp, self.folder / "metadata.json")
        except OSError as exc:
            raise StorageError(f"cannot put model v{number} in use in {self.folder}: "
                               f"{exc}") from exc

    def roll_back(self) -> tuple[int, int]:
        """Put the previously promoted version back in use; returns (from, to)."""
        index = self._read()
        current = index.in_use
        earlier = [v.version for v in index.versions
                   if v.promoted and current is not None and v.version < current]
        if current is None or not earlier:
            raise UserInputError("no earlier model kept to roll back to "
                                 "(`volex model history` lists what is kept)")
        target = earlier[-1]
        index.in_use = target
        self._write(index)
        self._point(target)
        return current, target

    def _prune(self, index: _Index) -> None:
        excess = len(index.versions) - self.keep
        for entry in list(index.versions):
            if excess <= 0:
                break
            if entry.version == index.in_use:
                continue
            shutil.rmtree(self._dir(entry.version), ignore_errors=True)
            index.versions.remove(entry)
            excess -= 1

    @staticmethod
    def _copy(source: Path, target: Path) -> None:
        """Copy the model files, each through a temporary name, metadata last."""
        try:
            target.mkdir(parents=True, exist_ok=True)
            for name in MODEL_FILES:
                if not (source / name).is_file():
                    (target / name).unlink(missing_ok=True)
                    continue
                tmp = target / f".{name}.copy"
                shutil.copy2(source / name, tmp)
                os.replace(tmp, target / name)
        except OSError as exc:
            raise StorageError(f"cannot copy the model from {source} to {target}: {exc}") from exc


def _entry(number: int, meta: Any, promoted: bool, reason: str,
           gate: dict[str, Any] | None = None) -> ModelVersion:
    return ModelVersion(version=number, created_at=meta.created_at, first_bar=meta.first_bar,
                        last_bar=meta.last_bar, kind=meta.kind,
                        log_loss=meta.evaluation.out_of_sample.log_loss, promoted=promoted,
                        reason=reason, gate=gate or {},
                        track_record=trading_record(meta))
