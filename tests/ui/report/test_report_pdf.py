"""The printed reports carry the engine's numbers, every region and term, embedded fonts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from gtm_planner.model.demo import build_demo_plan, build_large_plan
from gtm_planner.model.engine import KPI_BY_KEY, KPI_CATALOGUE, compute_kpis, compute_scenario
from gtm_planner.model.formatting import format_value, money
from gtm_planner.ui.report import Paper
from tests.conftest import require_program
from tests.ui.report.conftest import comparison_of, page_count, pdf_info, pdf_text, summary_of
from tests.ui.report.conftest import write as write_report

PAGE_ONE = ("bookings_target", "forecast_bookings", "gap", "pipeline_coverage",
            "required_coverage", "blended_cac", "cac_payback_months", "marketing_sourced_share",
            "sm_budget")  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def demo_summary(qapp: QApplication, folder: Path) -> Path:
    return write_report(qapp, summary_of(build_demo_plan()), folder / "summary.pdf")


@pytest.fixture(scope="module")
def demo_comparison(qapp: QApplication, folder: Path) -> Path:
    data = comparison_of(build_demo_plan(), "Baseline", "Aggressive EMEA push")
    return write_report(qapp, data, folder / "comparison.pdf")


@pytest.fixture(scope="module")
def large_summary(qapp: QApplication, folder: Path) -> Path:
    plan = build_large_plan()
    return write_report(qapp, summary_of(plan), folder / "large.pdf", Paper.LETTER)


def test_scenario_summary_page_one_shows_the_engines_kpis_for_the_board(
    demo_summary: Path,
) -> None:
    plan = build_demo_plan()
    scenario = plan.plan_of_record
    kpis = compute_kpis(plan, scenario.inputs, compute_scenario(plan, scenario.inputs))
    page_one = pdf_text(demo_summary, 1)
    for key in PAGE_ONE:
        shown = format_value(kpis[key].value, KPI_BY_KEY[key].unit, "USD")
        assert f"{KPI_BY_KEY[key].label} {shown}" in page_one, key
    assert f"{kpis['sales_share'].value:.1%} / {kpis['marketing_share'].value:.1%}" in page_one
    for region in plan.regions:
        assert region.name in page_one
    assert "Plan of record" in page_one and scenario.name in page_one
    assert "Bookings target vs forecast by quarter" in page_one
    assert money(kpis["bookings_target"].value, "USD") == "$45,000,000"  # the SPEC's demo


def test_scenario_summary_has_every_section_definition_formula_and_sign_off(
    demo_summary: Path,
) -> None:
    plan = build_demo_plan()
    text = pdf_text(demo_summary)
    for section in ("Funnel needs by region and quarter", "Key assumptions by region",
                    "Shared goals and SLA", "Definitions", "KPI formulas", "Sign-off",
                    "Chief Revenue Officer (CRO)", "Chief Marketing Officer (CMO)"):  # fmt: skip
        assert section in text
    for definition in plan.definitions:
        assert definition.term in text
        assert " ".join(definition.definition.split()[:6]) in text
    for goal in plan.goals:
        assert goal.name in text
    for line in plan.sla:
        assert line.commitment in text
    for kpi in KPI_CATALOGUE:
        assert kpi.label in text
    assert 3 <= page_count(demo_summary) <= 10


def test_every_page_has_its_number_and_the_footer(demo_summary: Path) -> None:
    pages = page_count(demo_summary)
    for page in range(1, pages + 1):
        text = pdf_text(demo_summary, page)
        assert f"Page {page} of {pages}" in text
        assert "demo.gtmplan · printed 14 Mar 2026" in text


def test_comparison_shows_both_scenarios_kpis_and_their_deltas(demo_comparison: Path) -> None:
    plan = build_demo_plan()
    a, b = plan.scenario("Baseline"), plan.scenario("Aggressive EMEA push")
    ka = compute_kpis(plan, a.inputs, compute_scenario(plan, a.inputs))
    kb = compute_kpis(plan, b.inputs, compute_scenario(plan, b.inputs))
    text = pdf_text(demo_comparison)
    for key in ("bookings_target", "forecast_bookings", "gap", "sm_budget", "blended_cac"):
        va, vb = ka[key].value, kb[key].value
        delta = vb - va
        sign = "+" if delta > 0 else "−"
        shown = (f"{format_value(va, KPI_BY_KEY[key].unit, 'USD')} "
                 f"{format_value(vb, KPI_BY_KEY[key].unit, 'USD')} "
                 f"{sign}{money(abs(delta), 'USD')}")  # fmt: skip
        assert shown in text, key
    assert "Inputs that differ" in text and "EMEA" in text
    assert "Target and both forecasts by quarter" in text
    assert 1 <= page_count(demo_comparison) <= 4


def test_a4_and_letter_pages_have_their_paper_sizes(qapp: QApplication, folder: Path) -> None:
    data = summary_of(build_demo_plan())
    a4 = pdf_info(write_report(qapp, data, folder / "a4.pdf", Paper.A4))["Page size"]
    letter = pdf_info(write_report(qapp, data, folder / "letter.pdf", Paper.LETTER))["Page size"]
    assert a4.startswith("595") and "842" in a4
    assert letter.startswith("612 x 792")


def test_every_font_is_embedded(demo_summary: Path, demo_comparison: Path) -> None:
    program = require_program("pdffonts", "poppler-utils")
    for path in (demo_summary, demo_comparison):
        rows = subprocess.run(
            [program, str(path)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert rows, "no fonts: the text would not be text"
        for row in rows:
            emb = row.split()[-5]  # columns: name type encoding emb sub uni object ID
            assert emb == "yes", row


def test_forty_region_plan_paginates_with_every_region_and_a_bounded_page_count(
    large_summary: Path,
) -> None:
    plan = build_large_plan()
    pages = page_count(large_summary)
    assert 8 <= pages <= 30
    text = pdf_text(large_summary)
    for region in plan.regions:
        assert region.name in text
    funnel_pages = [p for p in range(2, pages + 1) if "FY27 Q1" in pdf_text(large_summary, p)]
    assert len(funnel_pages) >= 3
    for page in funnel_pages:  # the header row repeats on every page the table runs onto
        assert "Region Quarter Target" in pdf_text(large_summary, page)
