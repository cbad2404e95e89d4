"""Session-side training loop of the playground page: the TrainState lives in ``st.session_state``.

The state is never in the URL (it holds device arrays). A configuration change that keeps
:func:`optim_lab.nn.restart_key` goes into the running training as new traced hyper-parameters (no
recompilation); a change of data or architecture starts over from step 0 with a short notice.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import streamlit as st

from ..nn import (
    CHUNK,
    History,
    TrainConfig,
    TrainState,
    init_training,
    make_hparams,
    restart_key,
    train_chunk,
)

_KEY = "playground:session"
#: Live training pauses by itself after this many iterations (keeps a forgotten tab cheap).
MAX_STEPS = 20_000


@dataclass
class Session:
    """What the page keeps between reruns."""

    key: tuple | None = None
    state: TrainState | None = None
    history: History | None = None
    running: bool = False
    notice: str | None = None
    error: str | None = None
    updates: list[float] = field(default_factory=list)  # wall times of the last redraws


def session() -> Session:
    """The page's session (created on first use)."""
    if _KEY not in st.session_state:
        st.session_state[_KEY] = Session()
    return st.session_state[_KEY]


def sync(config: TrainConfig, compare: Sequence[Any]) -> Session:
    """Makes the session match the controls: re-initializes when ``restart_key`` changed.

    Invalid settings leave ``error`` set (and no state) instead of raising.
    """
    s = session()
    s.notice = None
    try:
        key = restart_key(config, compare)
        hparams = make_hparams(config, compare)
    except (ValueError, TypeError, KeyError) as error:
        s.error, s.running = str(error), False
        return s
    if key != s.key or s.state is None:
        try:
            state = init_training(config, compare)
        except (ValueError, TypeError, KeyError) as error:
            s.error, s.running, s.state, s.key = str(error), False, None, None
            return s
        if s.state is not None and s.history is not None and s.history.steps:
            s.notice = "Data or architecture changed: training restarted from new weights."
        s.key, s.state, s.history, s.running = key, state, History.for_state(state), False
        _forget_figures()
    else:
        s.state = replace(s.state, hparams=hparams)
    s.error = None
    return s


def _forget_figures() -> None:
    for key in ("pg_boundary_fig", "pg_curves_fig"):
        st.session_state.pop(key, None)


def reset() -> None:
    """Forgets the training: the next :func:`sync` builds fresh weights (same seed, same start)."""
    s = session()
    s.key, s.state, s.history, s.running = None, None, None, False
    _forget_figures()


# The live redraws of every session training at once, in one server process, share this budget:
# a class training together then leaves the cores to the other lessons (one session alone redraws
# as often as its fragment's clock asks).
LIVE_REDRAWS_PER_SECOND = 30
LONGEST_WAIT_S = 0.5  # a click (Pause) waits at most this long for a waiting redraw
_last_redraw: dict[int, float] = {}  # id(Session) -> monotonic time of its last live redraw


def wait_for_turn(s: Session) -> None:
    """Waits (without CPU) until this session's share of :data:`LIVE_REDRAWS_PER_SECOND` allows
    its next redraw: one each ``n / LIVE_REDRAWS_PER_SECOND`` seconds with ``n`` sessions
    training (those that redrew in the last second)."""
    now = time.monotonic()
    for key, last in list(_last_redraw.items()):
        if now - last > 1.0:
            _last_redraw.pop(key, None)
    training = len(_last_redraw.keys() | {id(s)})
    since = now - _last_redraw.get(id(s), 0.0)
    wait = min(training / LIVE_REDRAWS_PER_SECOND - since, LONGEST_WAIT_S)
    if wait > 0:
        time.sleep(wait)
    _last_redraw[id(s)] = time.monotonic()


def step(s: Session, n_steps: int = CHUNK) -> None:
    """Trains one compiled chunk of every run and appends it to the history."""
    if s.state is None or s.history is None:
        return
    s.state, chunk = train_chunk(s.state, n_steps=n_steps)
    s.history.append(chunk)
    s.history.status = s.state.status()
    if all(
        st_.get("diverged_at") is not None or st_.get("stopped_at") is not None
        for st_ in s.history.status
    ):
        s.running = False  # nothing left to train
    if s.state.step >= MAX_STEPS:
        s.running = False
    now = time.monotonic()
    s.updates = [*s.updates[-9:], now]


def updates_per_second(s: Session) -> float | None:
    """Redraw rate over the last few live updates."""
    if len(s.updates) < 3:
        return None
    span = s.updates[-1] - s.updates[0]
    return (len(s.updates) - 1) / span if span > 0 else None


def history_rows(history: History) -> list[dict[str, Any]]:
    """One row per run and iteration (per-layer values as ``key_layerN`` columns)."""
    rows = []
    ipe = history.iterations_per_epoch
    for r, label in enumerate(history.labels):
        run = history.run(r)
        for t in range(history.steps):
            row: dict[str, Any] = {"run": label, "iteration": t, "epoch": t // ipe}
            for key, values in run.items():
                value = values[t]
                if np.ndim(value) == 0:
                    row[key] = _num(value)
                else:
                    for i, v in enumerate(np.ravel(value)):
                        row[f"{key}_layer{i + 1}"] = _num(v)
            rows.append(row)
    return rows


def _num(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def history_csv(history: History) -> str:
    rows = history_rows(history)
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def history_json(history: History, config: TrainConfig) -> str:
    return json.dumps(
        {
            "config": {
                k: v if not isinstance(v, tuple) else list(v) for k, v in config.__dict__.items()
            },
            "labels": list(history.labels),
            "iterations_per_epoch": history.iterations_per_epoch,
            "status": history.status,
            "history": history_rows(history),
        },
        default=lambda o: dict(o) if hasattr(o, "items") else str(o),
    )
