"""How good and how fast the headline scorer is, next to plain VADER and "always neutral".

Run: ``python benchmarks/bench_sentiment.py``. Goal: better accuracy and macro-F1 than plain
VADER on the labelled set; 10,000 headlines scored in under 1 s.

The labelled set is ``benchmarks/data/crypto_headlines.csv`` (its header says how it was
made). A score at or above +0.05 reads positive, at or below -0.05 negative, else neutral,
for both scorers.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import median_times  # benchmarks/timing.py

DATA = Path(__file__).with_name("data") / "crypto_headlines.csv"
LABELS = ["negative", "neutral", "positive"]


def load() -> list[dict[str, str]]:
    with DATA.open(newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def main() -> None:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    from volex.analysis.sentiment import label, plain_vader, score

    rows = load()
    truth = [r["label"] for r in rows]
    headlines = [r["headline"] for r in rows]
    predictions = {
        "volex (VADER + crypto lexicon)": [label(score(h).score) for h in headlines],
        "plain VADER": [label(plain_vader(h)) for h in headlines],
        "always neutral": ["neutral"] * len(rows),
    }
    counts = {name: truth.count(name) for name in LABELS}
    print(f"labelled headlines: {len(rows)} ({', '.join(f'{v} {k}' for k, v in counts.items())})")
    print(f"{'scorer':34} {'accuracy':>9} {'macro-F1':>9}")
    for name, predicted in predictions.items():
        print(f"{name:34} {accuracy_score(truth, predicted):9.3f} "
              f"{f1_score(truth, predicted, average='macro', labels=LABELS, zero_division=0):9.3f}")
    print("volex confusion (rows truth, columns predicted: negative neutral positive):")
    for name, row in zip(LABELS, confusion_matrix(truth, predictions[
            "volex (VADER + crypto lexicon)"], labels=LABELS), strict=True):
        print(f"  {name:9} {row}")

    batch = (headlines * (10_000 // len(headlines) + 1))[:10_000]
    wall, cpu = median_times(lambda: [score(h) for h in batch], repeat=3)
    print(f"10,000 headlines scored: {wall:.3f} s wall, {cpu:.3f} s CPU (goal < 1 s)")
    started = time.perf_counter()
    [plain_vader(h) for h in batch]
    print(f"plain VADER on the same: {time.perf_counter() - started:.3f} s")


if __name__ == "__main__":
    main()
