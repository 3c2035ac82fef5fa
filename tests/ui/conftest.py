"""Qt tests: offscreen rendering, a real document over the demo plan, a window on it."""

from __future__ import annotations

import os
import re

# Before any QApplication exists (pytest-qt creates it lazily, in the first qtbot fixture).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QAbstractItemModel
from pytestqt.qtbot import QtBot

from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.main_window import MainWindow

if TYPE_CHECKING:  # pytest-qt picks its Qt binding later, when the plugin configures
    from pytestqt.modeltest import ModelTester

# The offscreen platform cannot pass a window's min/max size on to a window system and says
# so as a Qt warning whenever a top-level window is laid out; nothing a user would ever see.
OFFSCREEN_PLATFORM_NOTICE = re.escape("This plugin does not support propagateSizeHints()")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_PLATFORM_NOTICE))


@pytest.fixture
def demo_document() -> PlanDocument:
    return PlanDocument(build_demo_plan())


@pytest.fixture
def window(qtbot: QtBot, demo_document: PlanDocument) -> MainWindow:
    main_window = MainWindow(demo_document)
    qtbot.addWidget(main_window)
    return main_window


@pytest.fixture
def check_model(qtmodeltester: ModelTester) -> Callable[..., None]:
    """``qtmodeltester.check`` with a type: it keeps checking while the test changes the model."""

    def check(model: QAbstractItemModel, *, force_py: bool = False) -> None:
        qtmodeltester.check(model, force_py=force_py)  # type: ignore[no-untyped-call]

    return check
