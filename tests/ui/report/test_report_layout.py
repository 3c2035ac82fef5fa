"""Pagination: nothing runs past the margins, tables cut between rows only."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from gtm_planner.model.demo import build_demo_plan, build_large_plan
from gtm_planner.ui.report import Paper, layout_report, page_image
from gtm_planner.ui.report.style import BOTTOM, TOP
from gtm_planner.ui.report.tables import TableChunk
from tests.ui.report.conftest import comparison_of, summary_of


@pytest.mark.parametrize("paper", list(Paper))
def test_every_piece_of_a_forty_region_report_stays_inside_the_page(
    qapp: QApplication, paper: Paper
) -> None:
    assert qapp is not None
    plan = build_large_plan()
    for data in (summary_of(plan), comparison_of(plan, "Scenario 1", "Scenario 2")):
        layout = layout_report(data, paper)
        bottom = paper.size[1] - BOTTOM
        rows_seen: dict[int, int] = {}
        for page in layout.pages:
            assert page.pieces, "an empty page"
            for top, piece in page.pieces:
                assert top >= TOP - 1e-6
                assert top + piece.height <= bottom + 1e-6
                if isinstance(piece, TableChunk):
                    key = id(piece.measured.table)
                    assert piece.first == rows_seen.get(key, 0), "a row skipped or repeated"
                    rows_seen[key] = piece.stop
        for _top, piece in (p for page in layout.pages for p in page.pieces):
            if isinstance(piece, TableChunk):
                assert rows_seen[id(piece.measured.table)] == len(piece.measured.table.rows)


def test_preview_images_have_the_papers_proportions_and_ink(qapp: QApplication) -> None:
    assert qapp is not None
    layout = layout_report(summary_of(build_demo_plan()), Paper.LETTER)
    image = page_image(layout, 0, zoom=1.0)
    assert (image.width(), image.height()) == (612, 792)
    dark = sum(
        1
        for y in range(0, 792, 4)
        for x in range(0, 612, 4)
        if image.pixelColor(x, y).value() < 128
    )
    assert dark > 200  # text, rules and bars were painted
