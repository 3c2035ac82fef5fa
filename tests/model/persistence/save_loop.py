"""Save two plans into one plan file, alternately and without pause, until killed.

Run by the kill-during-save test: ``python save_loop.py TARGET FIRST SECOND``, where FIRST and
SECOND are plan files holding the two versions. Prints ``ready`` once it starts saving.
"""

from __future__ import annotations

import sys

from gtm_planner.model.persistence import PlanRepository, load_plan


def main(target: str, first: str, second: str) -> None:
    versions = [load_plan(first), load_plan(second)]
    with PlanRepository.open(target) as repository:
        print("ready", flush=True)
        count = 0
        while True:
            repository.save(versions[count % 2])  # a full save: every table rewritten
            count += 1


if __name__ == "__main__":
    main(*sys.argv[1:4])
