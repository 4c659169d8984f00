"""Platt scaling of the classifier's confidence: a sound fit, even on data one threshold splits."""

from __future__ import annotations

import math
import random

from mailbot.classify.calibrate import fit
from mailbot.classify.model import sigmoid


def test_recovers_a_known_map() -> None:
    rng = random.Random(7)
    xs = [rng.uniform(-4, 4) for _ in range(4000)]
    ys = [int(rng.random() < sigmoid(2 * x + 0.5)) for x in xs]
    a, b = fit(xs, ys)
    assert abs(a - 2) < 0.3 and abs(b - 0.5) < 0.3


def test_separable_data_gives_a_finite_steep_map() -> None:
    # A confident model whose answers above zero are all right: the plain fit overflowed.
    xs = [x / 10 for x in range(-140, 141)]
    ys = [int(x > 0) for x in xs]
    a, b = fit(xs, ys)
    assert math.isfinite(a) and math.isfinite(b) and a > 3


def test_sigmoid_never_overflows() -> None:
    assert sigmoid(-1000.0) == 0.0 and sigmoid(1000.0) == 1.0 and sigmoid(0.0) == 0.5
