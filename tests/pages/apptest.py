"""Shared helpers of the page tests: open a page with URL parameters, read its charts, count
JAX tracings."""

import json
from collections.abc import Mapping
from contextlib import contextmanager

import jax
import streamlit as st
from streamlit.testing.v1 import AppTest


def open_page(
    path: str, params: Mapping[str, str] | None = None, timeout: float = 90, *, computed=False
) -> AppTest:
    """Runs the page script once with ``params`` as its query parameters; ``computed``: with
    Streamlit's data caches emptied first, so that the page computes (and uses its compiled
    programs, which makes them the most recently used ones)."""
    if computed:
        st.cache_data.clear()
    at = AppTest.from_file(path, default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def charts(at: AppTest) -> list[dict]:
    """The Plotly figures of the last run, as JSON."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


@contextmanager
def count_traces():
    """Counts JAX tracings (each one is a compilation, or a persistent-cache look-up at best)."""
    events = []

    def listener(event, duration, **kwargs):
        if event == "/jax/core/compile/jaxpr_trace_duration":
            events.append(event)

    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        yield events
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)
