"""Sales capacity: AE headcount with a linear ramp, quota and attainment."""

from __future__ import annotations

import numpy as np

from gtm_planner.model.engine.results import CapacityPlan
from gtm_planner.model.engine.timing import ramp_fraction
from gtm_planner.model.entities import ScenarioInputs


def capacity_plan(inputs: ScenarioInputs) -> CapacityPlan:
    hires = inputs.ae_hires
    horizon = hires.shape[1]
    headcount = inputs.starting_aes[:, None] + np.cumsum(hires, axis=1)
    ramped = inputs.starting_aes[:, None] + np.einsum(
        "rh,rth->rt", hires, ramp_fraction(inputs.ramp_months, horizon)
    )
    capacity = ramped * (inputs.annual_quota * inputs.attainment / 12.0)[:, None]
    people_cost = (
        headcount * inputs.ae_cost[:, None]
        + (inputs.sdr_count * inputs.sdr_cost + inputs.se_count * inputs.se_cost)[:, None]
    ) / 12.0
    return CapacityPlan(
        headcount=headcount, ramped_aes=ramped, capacity=capacity, people_cost=people_cost
    )
