"""A bracketing root finder for monotone functions of one input (no SciPy in the product).

Regula falsi with the Illinois modification (fast on the piecewise-smooth forecast: linear in
a win rate or an AE count, a power of the budget, with kinks where the capacity cap starts to
bind) and a bisection step whenever the bracket fails to halve, so it never stalls.
"""

from __future__ import annotations

from collections.abc import Callable


class RootNotFoundError(RuntimeError):
    """The evaluation budget ran out before the tolerance was met (a bug, not a user error)."""


def solve_increasing(
    f: Callable[[float], float],
    lo: float,
    hi: float,
    target: float,
    tolerance: float,
    *,
    f_lo: float | None = None,
    f_hi: float | None = None,
    max_evaluations: int = 300,
) -> float:
    """An ``x`` in ``[lo, hi]`` with ``|f(x) - target| <= tolerance``, ``f`` non-decreasing.

    The caller brackets the target: ``f(lo) <= target <= f(hi)``.
    """
    a, b = lo, hi
    fa = (f(a) if f_lo is None else f_lo) - target
    fb = (f(b) if f_hi is None else f_hi) - target
    if abs(fa) <= tolerance:
        return a
    if abs(fb) <= tolerance:
        return b
    if fa > 0 or fb < 0:
        raise ValueError(f"target {target} is not bracketed by f({lo})={fa + target}, "
                         f"f({hi})={fb + target}")  # fmt: skip
    side = 0
    width_before = b - a
    bisect = False
    for step in range(max_evaluations):
        if bisect or fb == fa:
            c = a + (b - a) / 2.0
        else:
            c = b - fb * (b - a) / (fb - fa)
            if not a < c < b:
                c = a + (b - a) / 2.0
        fc = f(c) - target
        if abs(fc) <= tolerance:
            return c
        if fc < 0:
            a, fa = c, fc
            if side == -1:
                fb /= 2.0
            side = -1
        else:
            b, fb = c, fc
            if side == 1:
                fa /= 2.0
            side = 1
        # Every second step the bracket must have halved, else the next step bisects.
        if step % 2 == 1:
            bisect = (b - a) > 0.5 * width_before
            width_before = b - a
        if b - a <= 4e-16 * max(abs(a), abs(b), 1e-300):
            return a if abs(fa) <= abs(fb) else b
    raise RootNotFoundError(f"no root within {max_evaluations} evaluations in [{a}, {b}]")
