"""Fixtures of the Excel round-trip tests: the demo plan, its export, LibreOffice."""

from __future__ import annotations

from pathlib import Path

import pytest

from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.entities import Plan
from gtm_planner.model.exchange.excel_export import export_workbook
from tests.conftest import require_program
from tests.model.exchange.workbooks import LibreOffice


@pytest.fixture
def demo_plan() -> Plan:
    return build_demo_plan()


@pytest.fixture
def demo_export(tmp_path: Path, demo_plan: Plan) -> Path:
    """The demo plan's three scenarios, exported."""
    path = tmp_path / "northwind.xlsx"
    export_workbook(demo_plan, path)
    return path


@pytest.fixture
def baseline_export(tmp_path: Path, demo_plan: Plan) -> Path:
    """The demo plan's Baseline scenario alone, exported."""
    path = tmp_path / "baseline.xlsx"
    export_workbook(demo_plan, path, [demo_plan.scenario("Baseline").id])
    return path


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> LibreOffice:
    program = require_program("soffice", "libreoffice-calc-nogui")
    return LibreOffice(program, tmp_path_factory.mktemp("lo-profile"))
