"""Differential test: the vectorised engine against the slow reference on 200 random plans.

Each output field and each KPI is its own test, so a discrepancy names the field it is in and
the plan that shows it (reproduce with ``random_plan(np.random.default_rng([SEED, case]))``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pytest

from gtm_planner.model.engine import ScenarioResult, compute_kpis, compute_scenario
from gtm_planner.model.entities import Plan, ScenarioInputs
from tests.model.engine.engine_test_plans import random_plan
from tests.model.engine.reference_engine import FloatArray, compute_reference
from tests.model.engine.reference_kpis import reference_kpis

SEED = 20_260_314
CASES = 200
RTOL = 1e-9
ATOL = 1e-6


@dataclass(frozen=True)
class Case:
    number: int
    plan: Plan
    inputs: ScenarioInputs
    engine: ScenarioResult
    reference: dict[str, FloatArray]
    selected_regions: list[bool]
    first_month: int
    last_month: int

    @property
    def selected_months(self) -> list[bool]:
        horizon = self.plan.settings.horizon_months
        return [self.first_month <= t <= self.last_month for t in range(horizon)]

    def describe(self) -> str:
        s = self.plan.settings
        return (
            f"case {self.number} (rng [SEED, {self.number}]): R={len(self.plan.regions)} "
            f"S={len(self.plan.sources)} L={len(self.plan.budget_lines)} T={s.horizon_months} "
            f"start month {s.start_month}, FY start {s.fiscal_year_start_month}"
        )


def engine_value(result: ScenarioResult, key: str) -> FloatArray:
    value: object = result
    for part in key.split("."):
        value = getattr(value, part)
    return np.asarray(value, dtype=np.float64)


def _make_case(number: int) -> Case:
    rng = np.random.default_rng([SEED, number])
    plan, inputs = random_plan(rng)
    horizon = plan.settings.horizon_months
    regions = [bool(x) for x in rng.random(len(plan.regions)) < 0.6]
    regions[int(rng.integers(0, len(regions)))] = True
    first = int(rng.integers(0, horizon))
    last = int(rng.integers(first, horizon))
    return Case(
        number=number,
        plan=plan,
        inputs=inputs,
        engine=compute_scenario(plan, inputs),
        reference=compute_reference(plan, inputs),
        selected_regions=regions,
        first_month=first,
        last_month=last,
    )


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return [_make_case(number) for number in range(CASES)]


def _output_and_kpi_keys() -> tuple[tuple[str, ...], tuple[str, ...]]:
    plan, inputs = random_plan(np.random.default_rng(0))
    outputs = compute_reference(plan, inputs)
    return tuple(sorted(outputs)), tuple(sorted(reference_kpis(plan, inputs, outputs)))


REFERENCE_KEYS, KPI_KEYS = _output_and_kpi_keys()


def test_reference_covers_every_output_array_and_kpi_of_the_engine() -> None:
    plan, inputs = random_plan(np.random.default_rng(1))
    result = compute_scenario(plan, inputs)
    groups = {"reverse", "forward", "capacity"}
    engine_keys = {f.name for f in fields(result) if f.name not in groups}
    for group in groups:
        engine_keys |= {f"{group}.{f.name}" for f in fields(getattr(result, group))}

    assert engine_keys == set(REFERENCE_KEYS)
    assert set(compute_kpis(plan, inputs, result)) == set(KPI_KEYS)


@pytest.mark.parametrize("key", REFERENCE_KEYS)
def test_engine_output_equals_slow_reference_on_random_plans(key: str, cases: list[Case]) -> None:
    for case in cases:
        expected = case.reference[key]
        actual = engine_value(case.engine, key)
        assert actual.shape == expected.shape, f"{key}: shape differs in {case.describe()}"
        np.testing.assert_allclose(
            actual, expected, rtol=RTOL, atol=ATOL, err_msg=f"{key} in {case.describe()}"
        )


@pytest.mark.parametrize("key", KPI_KEYS)
def test_kpi_over_the_whole_plan_equals_slow_reference(key: str, cases: list[Case]) -> None:
    for case in cases:
        engine = compute_kpis(case.plan, case.inputs, case.engine)[key].value
        expected = reference_kpis(case.plan, case.inputs, case.reference)[key]
        np.testing.assert_allclose(
            engine, expected, rtol=RTOL, atol=ATOL, err_msg=f"{key} in {case.describe()}"
        )


@pytest.mark.parametrize("key", KPI_KEYS)
def test_kpi_over_a_selection_of_regions_and_months_equals_slow_reference(
    key: str, cases: list[Case]
) -> None:
    for case in cases:
        engine = compute_kpis(
            case.plan,
            case.inputs,
            case.engine,
            regions=np.array(case.selected_regions),
            months=np.array(case.selected_months),
        )[key].value
        expected = reference_kpis(
            case.plan, case.inputs, case.reference, case.selected_regions, case.selected_months
        )[key]
        np.testing.assert_allclose(
            engine,
            expected,
            rtol=RTOL,
            atol=ATOL,
            err_msg=f"{key} with regions {case.selected_regions}, months "
            f"{case.first_month}..{case.last_month} in {case.describe()}",
        )
