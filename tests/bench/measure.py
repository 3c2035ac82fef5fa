"""What every benchmark row needs: a median timing and the figure-vs-budget wording."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

Row = tuple[str, str, str, str, str]  # measure, figure, budget, peer, ratio


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def verdict(seconds: float, budget: float) -> str:
    return f"≤ {ms(budget)} {'ok' if seconds <= budget else 'OVER'}"
