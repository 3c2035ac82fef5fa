"""Forecast bookings per region as a function of its demand-creation budget for one year.

Allocation needs each region's bookings ``F_r(B)`` and its marginal return ``F_r'(B)`` many
thousands of times. Two implementations of the same question:

- ``CurveResponse`` reads the curve's parameters off the engine. Scaling a region's spend over
  the year by one factor scales that year's inquiries by ``B ** e`` (SPEC §3.3), and everything
  downstream is linear until the quarterly capacity cap, so per quarter
  ``bookings_q(B) = min(A_q + G_q B ** e, C_q)``, with ``A`` (bookings at zero spend), ``G``
  and ``C`` (capacity) measured by two engine runs. ``checked`` compares it with the engine.
- ``EngineResponse`` runs the engine for every question (marginal returns by finite
  differences): slow but assumes nothing; allocation falls back on it if the check fails.

Regions are independent in the engine, so one run answers for every region at once.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from gtm_planner.model.engine import compute_scenario
from gtm_planner.model.entities import Plan, ScenarioInputs
from gtm_planner.model.solve.common import BoolArray, FloatArray, SpendBlock, replace_field

CHECK_TOLERANCE = 1e-7  # relative: the curve must match the engine this closely


class Response(Protocol):
    def bookings(self, budget: FloatArray) -> FloatArray:
        """(R,) forecast bookings over the horizon for year budgets ``budget`` (R,)."""
        ...

    def marginal(self, budget: FloatArray) -> FloatArray:
        """(R,) bookings the next currency unit buys (right derivative)."""
        ...


class EngineResponse:
    """Every answer from an engine run with the year's spend set to ``B × shape``."""

    def __init__(self, plan: Plan, inputs: ScenarioInputs, months: BoolArray) -> None:
        self.plan, self.inputs = plan, inputs
        self.block = SpendBlock.of(plan, months)
        self.shape = self.block.shape(inputs.budget)
        self.everyone = np.ones(len(plan.regions), dtype=bool)
        self.runs = 0

    def inputs_at(self, budget: FloatArray) -> ScenarioInputs:
        new_budget = self.block.with_totals(self.inputs.budget, self.shape, budget, self.everyone)
        return replace_field(self.inputs, "budget", new_budget)

    def bookings(self, budget: FloatArray) -> FloatArray:
        self.runs += 1
        result = compute_scenario(self.plan, self.inputs_at(np.maximum(budget, 0.0)))
        return np.asarray(result.forward.forecast.sum(axis=1))

    def marginal(self, budget: FloatArray) -> FloatArray:
        step = np.maximum(budget * 1e-6, 1e-2)
        return (self.bookings(budget + step) - self.bookings(budget)) / step

    def quarterly(self, budget: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Uncapped bookings and capacity per region and quarter."""
        result = compute_scenario(self.plan, self.inputs_at(budget))
        q = self.plan.calendar().quarter_matrix()
        return result.forward.uncapped_bookings @ q, result.capacity.capacity @ q


class CurveResponse:
    """``bookings_r(B) = Σ_q min(A_rq + G_rq B ** e_r, C_rq)``, fitted from two engine runs."""

    def __init__(self, engine: EngineResponse, probe: FloatArray) -> None:
        self.elasticity = engine.inputs.elasticity.astype(np.float64)
        self.probe = np.where(probe > 0, probe, 1.0)
        at_zero, capacity = engine.quarterly(np.zeros_like(self.probe))
        at_probe, _ = engine.quarterly(self.probe)
        self.base = at_zero
        self.gain = np.maximum(at_probe - at_zero, 0.0) / self._x(self.probe)[:, None]
        self.capacity = capacity
        self.engine = engine

    def _x(self, budget: FloatArray) -> FloatArray:
        return np.asarray(np.power(np.maximum(budget, 0.0), self.elasticity))

    def bookings(self, budget: FloatArray) -> FloatArray:
        uncapped = self.base + self.gain * self._x(budget)[:, None]
        return np.asarray(np.minimum(uncapped, self.capacity).sum(axis=1))

    def marginal(self, budget: FloatArray) -> FloatArray:
        b = np.maximum(budget, 0.0)
        e = self.elasticity
        below_cap = self.base + self.gain * self._x(b)[:, None] < self.capacity
        slope = (self.gain * below_cap).sum(axis=1)  # d bookings / d (B ** e)
        with np.errstate(divide="ignore", invalid="ignore"):
            dx_db = np.where(e == 1.0, 1.0, e * np.power(b, e - 1.0))
            return np.asarray(np.where(slope > 0, slope * dx_db, 0.0))

    def checked(self, points: list[FloatArray]) -> bool:
        """True if the curve gives the engine's bookings at every point."""
        for budget in points:
            engine = self.engine.bookings(budget)
            if not np.allclose(self.bookings(budget), engine, rtol=CHECK_TOLERANCE, atol=1e-6):
                return False
        return True
