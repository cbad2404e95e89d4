"""Download buttons shared by the "Training networks" pages: data as CSV and JSON, figure as HTML."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st


def _plain(value: Any) -> Any:
    """NumPy values → JSON-ready Python values (non-finite numbers → None)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def to_json(payload: dict) -> str:
    return json.dumps(_plain(payload), indent=1)


def export_row(
    name: str, table: pd.DataFrame, payload: dict, fig: go.Figure, *, key: str | None = None
) -> None:
    """Three download buttons: ``table`` as CSV, ``payload`` as JSON, ``fig`` as standalone HTML
    (plotly.js embedded so the file works offline)."""
    key = key or name
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        "data (CSV)",
        lambda: table.to_csv(index=False),
        f"{name}.csv",
        "text/csv",
        on_click="ignore",
        key=f"{key}_csv",
    )
    c2.download_button(
        "data (JSON)",
        lambda: to_json(payload),
        f"{name}.json",
        "application/json",
        on_click="ignore",
        key=f"{key}_json",
    )
    c3.download_button(
        "figure (HTML)",
        lambda: fig.to_html(include_plotlyjs=True),
        f"{name}.html",
        "text/html",
        on_click="ignore",
        key=f"{key}_html",
    )
