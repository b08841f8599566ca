"""User strategies loaded from a Python file (--file)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from volex.errors import UserInputError
from volex.strategies import load_strategy_file

SUBCLASS = '''
import numpy as np
from volex.strategies import Param, Constraint, Strategy

class Momentum(Strategy):
    name = "momentum"
    description = "Long after `bars` rising closes."
    params = (Param("bars", 3, 1, 10),)
    constraints = (Constraint("bars is odd", lambda p: p["bars"] % 2 == 1),)

    def generate(self, candles, params):
        close = np.asarray(candles["close"], dtype=float)
        up = np.diff(close, prepend=close[0]) > 0
        n = int(params["bars"])
        run = np.convolve(up, np.ones(n), "full")[: len(close)]
        return (run >= n).astype(np.int8)
'''

DUCK = '''
class AlwaysLong:
    name = "always_long"
    params = ()

    def generate(self, candles, params):
        return [1] * len(candles["close"])
'''


def write(tmp_path: Path, text: str, name: str = "mine.py") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_strategy_subclass_is_loaded_with_its_schema(tmp_path: Path) -> None:
    strategy = load_strategy_file(write(tmp_path, SUBCLASS))
    assert strategy.name == "momentum" and strategy.source.endswith("mine.py")
    assert strategy.resolve() == {"bars": 3}
    with pytest.raises(UserInputError, match="bars is odd"):
        strategy.resolve({"bars": "4"})
    target = strategy.generate({"close": np.array([1, 2, 3, 4, 3, 4.0])}, {"bars": 3})
    assert target.tolist() == [0, 0, 0, 1, 0, 0]


def test_a_duck_typed_class_gets_the_rest_of_the_interface(tmp_path: Path) -> None:
    strategy = load_strategy_file(write(tmp_path, DUCK))
    assert strategy.name == "always_long" and strategy.resolve() == {}
    assert strategy.describe()["params"] == []


@pytest.mark.parametrize(("text", "message"), [
    ("x = 1\n", "no strategy class"),
    ("def broken(:\n", "cannot load"),
    ("raise RuntimeError('boom')\n", "RuntimeError: boom"),
    (DUCK + DUCK.replace("AlwaysLong", "Other").replace("always_long", "other"), "2 strategy"),
])
def test_bad_strategy_files_are_user_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        load_strategy_file(write(tmp_path, text))


def test_a_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="no such strategy file"):
        load_strategy_file(tmp_path / "nope.py")


@pytest.mark.parametrize(("body", "message"), [
    ("        return 1 / 0", "ZeroDivisionError"),
    ("        return [1, 0]", "returned 2 targets for 3 bars"),
])
def test_a_failing_user_strategy_is_the_users_error(tmp_path: Path, body: str,
                                                     message: str) -> None:
    text = ("class Broken:\n    name = 'broken'\n    params = ()\n\n"
            f"    def generate(self, candles, params):\n{body}\n")
    strategy = load_strategy_file(write(tmp_path, text))
    with pytest.raises(UserInputError, match=message) as caught:
        strategy.targets({"close": np.ones(3)}, {})
    assert "broken" in str(caught.value)
