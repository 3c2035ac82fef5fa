"""Bind a Qt object's lifetime to its subscriptions to the document's plain-Python events.

The document outlives windows and models; a callback left behind after Qt deleted its object
would call into a dead C++ object. ``subscribe`` disconnects it when the object is destroyed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ParamSpec

from PySide6.QtCore import QObject

from gtm_planner.model.events import Event

P = ParamSpec("P")


def _unsubscribe(event: Event[P], callback: Callable[P, None]) -> None:
    event.disconnect(callback)


def subscribe(owner: QObject, event: Event[P], callback: Callable[P, None]) -> None:
    """Connect ``callback`` to ``event`` for as long as ``owner`` exists."""
    event.connect(callback)
    # A partial, not a method of ``owner``: it must still run while ``owner`` is torn down.
    owner.destroyed.connect(partial(_unsubscribe, event, callback))
