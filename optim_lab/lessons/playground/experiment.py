"""What the playground computes beside the training itself: the settings that name a run and the
last values its metrics show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def changed_settings(params: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The settings that differ from the optimizer's defaults (only these go into a run's label)."""
    return {k: v for k, v in params.items() if v != defaults.get(k)}


def last_finite(values) -> float | None:
    """The last value that is not NaN (a run's latest loss or accuracy), or None if there is none."""
    values = np.asarray(values, float)
    kept = values[~np.isnan(values)]
    return float(kept[-1]) if kept.size else None
