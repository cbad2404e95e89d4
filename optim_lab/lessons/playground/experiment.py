"""What the playground computes beside the training itself: the settings that name a run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def changed_settings(params: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The settings that differ from the optimizer's defaults (only these go into a run's label)."""
    return {k: v for k, v in params.items() if v != defaults.get(k)}
