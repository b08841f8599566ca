"""The strategy registry: the built-in templates by name, and user strategies from files.

A user strategy is a Python file defining a class with ``name``, ``params`` (a tuple of
``Param``), optional ``constraints`` and ``generate(candles, params)``; subclassing
``volex.strategies.Strategy`` is the easy way to get the rest of the interface.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path

from volex.errors import UserInputError
from volex.strategies.base import Strategy

__all__ = ["all_strategies", "get_strategy", "load_strategy_file", "strategy_names"]


def _builtin_classes() -> dict[str, type[Strategy]]:
    from volex.strategies.ml_forest import MlForest
    from volex.strategies.templates import TEMPLATES

    return {cls.name: cls for cls in (*TEMPLATES, MlForest)}


def strategy_names() -> list[str]:
    """Names of the built-in templates, in the order they are listed."""
    return list(_builtin_classes())


def all_strategies() -> list[Strategy]:
    return [cls() for cls in _builtin_classes().values()]


def get_strategy(name: str, file: str | Path | None = None) -> Strategy:
    """The strategy called ``name``: a built-in template, or a class in ``file``."""
    if file is not None:
        return load_strategy_file(file, name)
    classes = _builtin_classes()
    if name not in classes:
        raise UserInputError(f"unknown strategy {name!r} (choose from {', '.join(classes)}, "
                             "or pass --file my_strategy.py)")
    return classes[name]()


def load_strategy_file(path: str | Path, name: str | None = None) -> Strategy:
    """Import ``path`` and return its strategy (the one called ``name`` if there are several)."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise UserInputError(f"no such strategy file: {file}")
    module_name = f"volex_user_strategy_{abs(hash(str(file.resolve())))}"
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:
        raise UserInputError(f"{file} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - any error in user code is the user's to fix
        sys.modules.pop(module_name, None)
        raise UserInputError(f"cannot load {file}: {type(exc).__name__}: {exc}") from None
    found = [cls for _, cls in inspect.getmembers(module, inspect.isclass)
             if cls.__module__ == module_name and _is_strategy(cls)]
    if name is not None and len(found) > 1:
        found = [cls for cls in found if getattr(cls, "name", None) == name] or found
    if len(found) != 1:
        what = "no strategy class" if not found else f"{len(found)} strategy classes"
        raise UserInputError(f"{file} defines {what}: expected one class with name, params "
                             "and generate(candles, params)")
    return _instantiate(found[0], file)


def _is_strategy(cls: type) -> bool:
    return callable(getattr(cls, "generate", None)) and bool(getattr(cls, "name", "")) \
        and hasattr(cls, "params") and not inspect.isabstract(cls)


def _instantiate(cls: type, file: Path) -> Strategy:
    if not issubclass(cls, Strategy):
        # Duck-typed: give it the rest of the interface from the base class.
        cls = type(cls.__name__, (cls, Strategy), {})
    try:
        strategy = cls()
    except Exception as exc:  # noqa: BLE001
        raise UserInputError(f"cannot create {cls.__name__} from {file}: {exc}") from None
    strategy.source = str(file)
    return strategy
