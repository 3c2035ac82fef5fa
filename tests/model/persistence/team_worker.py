"""One team-mode client in its own process, driven by JSON lines on stdin (for the tests).

Each request is one JSON object on a line; each answer too. Requests:

- ``{"op": "set", "field": F, "cell": [i, …], "value": v}``: edit one cell (a command);
- ``{"op": "save"}``: save pending edits → ``{"saved", "refused": [messages], "revision"}``;
- ``{"op": "refresh"}`` → ``{"remote_cells", "reloaded", "revision"}``;
- ``{"op": "value", "field": F, "cell": [...]}`` → ``{"value"}``;
- ``{"op": "random", "n": N, "seed": S, "cells": [[F, [i, …]], …]}``: N edits of random cells
  to random values, each saved at once after a random pause → ``{"accepted": [[revision, F,
  cell, value], …], "refused": K}``;
- ``{"op": "quit"}``.
"""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any

import numpy as np

from gtm_planner.model.commands import SetValues
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.persistence.team import TeamSession


def random_value(field: str, rng: random.Random) -> float:
    """A value that the change log's ``:g`` text spells exactly (so the log can be replayed)."""
    if field == "budget":
        return float(rng.randrange(0, 200_000, 10))
    return rng.randrange(1, 100) / 100


def main() -> None:
    session, plan = TeamSession.open(sys.argv[1])
    document = PlanDocument(plan)

    def edit(field: str, cell: list[int], value: float) -> None:
        scenario_id = document.plan.plan_of_record.id
        document.begin_step("Edit")
        SetValues("edit", scenario_id, field, np.array([cell]), np.array([value])).apply(document)

    def answer(reply: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()

    answer({"ready": True, "revision": session.base})
    for line in sys.stdin:
        request = json.loads(line)
        op = request["op"]
        if op == "set":
            edit(request["field"], request["cell"], float(request["value"]))
            answer({"ok": True})
        elif op == "save":
            result = session.save(document)
            answer(
                {
                    "saved": result.saved,
                    "refused": [r.message for r in result.refused],
                    "revision": result.revision,
                }
            )
        elif op == "refresh":
            result = session.refresh(document)
            answer(
                {
                    "remote_cells": result.remote_cells,
                    "reloaded": result.reloaded,
                    "revision": result.revision,
                }
            )
        elif op == "value":
            inputs = document.plan.plan_of_record.inputs
            value = float(getattr(inputs, request["field"])[tuple(request["cell"])])
            answer({"value": value})
        elif op == "random":
            rng = random.Random(request["seed"])
            cells = request["cells"]
            accepted: list[list[Any]] = []
            refused = 0
            for _ in range(request["n"]):
                field, cell = rng.choice(cells)
                value = random_value(field, rng)
                edit(field, cell, value)
                time.sleep(rng.random() * 0.004)  # the user's "think time" before the save
                result = session.save(document)
                if result.saved:
                    accepted.append([result.revision, field, cell, value])
                refused += len(result.refused)
            answer({"accepted": accepted, "refused": refused})
        elif op == "quit":
            break
    session.close()


if __name__ == "__main__":
    main()
