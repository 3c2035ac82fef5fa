"""Lossless text and byte encodings for values that have no natural column: snapshot inputs,
snapshot outputs and timestamps."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import zipfile
from dataclasses import fields
from typing import Any

import numpy as np

from gtm_planner.model.entities import ScenarioInputs


def encode_inputs(inputs: ScenarioInputs) -> bytes:
    """A compressed NumPy archive of every input (arrays with dtype and shape, bit for bit)."""
    values = {f.name: np.asarray(getattr(inputs, f.name)) for f in fields(ScenarioInputs)}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **values)
    return buffer.getvalue()


def decode_inputs(blob: bytes) -> ScenarioInputs:
    """The inverse of :func:`encode_inputs`; ValueError names what is missing or unreadable."""
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
            stored = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as err:
        raise ValueError(f"its inputs cannot be read ({err})") from err
    values: dict[str, Any] = {}
    for f in fields(ScenarioInputs):
        if f.name not in stored:
            raise ValueError(f"its inputs lack {f.name!r}")
        array = stored[f.name]
        values[f.name] = float(array) if array.ndim == 0 else array
    return ScenarioInputs(**values)


def encode_outputs(outputs: dict[str, float]) -> str:
    # Python's float repr round-trips exactly; NaN and infinities are written as NaN/Infinity.
    return json.dumps({str(k): float(v) for k, v in outputs.items()}, allow_nan=True)


def decode_outputs(text: str) -> dict[str, float]:
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"its outputs cannot be read ({err.msg})") from err
    if not isinstance(loaded, dict) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in loaded.values()
    ):
        raise ValueError("its outputs are not a table of numbers")
    return {str(k): float(v) for k, v in loaded.items()}


def encode_time(moment: dt.datetime) -> str:
    """ISO 8601 with microseconds and, for an aware time, its UTC offset."""
    return moment.isoformat(timespec="microseconds")


def decode_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def to_float(value: float | None) -> float:
    """A stored float: NULL (how SQLite stores NaN) reads as NaN."""
    return math.nan if value is None else float(value)


def from_float(value: float) -> float | None:
    """A float to store; NaN becomes NULL on every backend, so all of them read it back alike."""
    return None if math.isnan(value) else float(value)
