"""Training playground: train a small network live on a 2D dataset, alone or against other optimizers."""

import streamlit as st

from optim_lab.figures.boundary import boundary_figure
from optim_lab.lessons.playground import text
from optim_lab.lessons.playground.figures import curves_figure, diagnostics_figure
from optim_lab.nn import ACTIVATIONS, DATASETS, INITS, MAX_COMPARE, TrainConfig, predict_grid
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.registry import HParam
from optim_lab.schedules import SCHEDULES
from optim_lab.ui import export
from optim_lab.ui import playground as pg
from optim_lab.ui import widgets as w
from optim_lab.ui.layout import page_header, stopped_run_notice, what_to_notice
from optim_lab.ui.live_chart import live_chart
from optim_lab.ui.state import UrlState

state = UrlState("playground")
page_header(
    "Training playground",
    text.INTRO,
)

DATASET_NAMES = [n for n in DATASETS.names() if n != "digits"]  # digits has no 2D boundary
OPTIMIZER_NAMES = [n for n in OPTIMIZERS.names() if n != "lbfgs"]
RESOLUTION = 60  # decision-boundary grid (static shape: never recompiles)

sb = st.sidebar
sb.header("Data")
dataset = w.entry_choice(
    state, "ds", "dataset", DATASETS, "spiral", names=DATASET_NAMES, container=sb
)
data_params = w.entry_params(
    state, f"d.{dataset}", DATASETS[dataset], container=sb, defaults={"points": 200}
)
val_share = w.number(
    state,
    "val",
    HParam("val", "validation share", 0.3, 0.1, 0.5, help="Part of the data held out."),
    container=sb,
)
seed = w.seed_control(state, container=sb)

sb.header("Network")
layers = w.integer(state, "layers", "hidden layers", 2, 0, 4, container=sb)
units = w.integer(state, "units", "units per layer", 12, 1, 64, container=sb)
activation = w.entry_choice(state, "act", "activation", ACTIVATIONS, "relu", container=sb)
init = w.entry_choice(state, "init", "initialization", INITS, "he", container=sb)
batchnorm = w.toggle(state, "bn", "batch norm", False, container=sb)

sb.header("Optimization")
compare_on = w.toggle(state, "cmp", "compare optimizers", False, container=sb)
n_runs = w.integer(state, "n", "optimizers", 2, 2, MAX_COMPARE, container=sb) if compare_on else 1
defaults = ["adam", "sgd", "momentum", "rmsprop"]
runs = []
for i in range(n_runs):
    name = w.optimizer_picker(
        state,
        f"o{i + 1}",
        defaults[i],
        container=sb,
        label=f"optimizer {i + 1}",
        names=OPTIMIZER_NAMES,
    )
    params = w.entry_params(
        state,
        f"o{i + 1}.{name}",
        OPTIMIZERS[name],
        container=sb,
    )
    # only the settings that differ from the registry's defaults go into the run's label
    defaults_ = OPTIMIZERS[name].resolve({})
    runs.append((name, {k: v for k, v in params.items() if v != defaults_.get(k)}))
schedule, schedule_params = w.schedule_controls(state, "s", container=sb)
batch_mode = w.choice(
    state,
    "batch",
    "batch",
    ["full", "mini", "one"],
    "full",
    format_func={"full": "full batch (GD)", "mini": "mini-batch", "one": "1 example (SGD)"}.get,
    container=sb,
)
batch_size = None
if batch_mode == "mini":
    batch_size = w.integer(state, "bs", "batch size", 16, 2, 128, container=sb)
elif batch_mode == "one":
    batch_size = 1
clip = w.number(
    state,
    "clip",
    HParam("clip", "clip gradient norm", 0.0, 0.0, 100.0, log=True, help="0 = off."),
    container=sb,
)

sb.header("Regularization")
l1 = w.number(state, "l1", HParam("l1", "L1 λ₁", 0.0, 0.0, 1.0, log=True), container=sb)
l2 = w.number(state, "l2", HParam("l2", "L2 λ₂", 0.0, 0.0, 1.0, log=True), container=sb)
keep = w.number(
    state,
    "keep",
    HParam("keep", "dropout keep-p", 1.0, 0.3, 1.0, help="1 = no dropout."),
    container=sb,
)

config = TrainConfig(
    dataset=dataset,
    dataset_params=data_params,
    seed=int(seed),
    val_fraction=float(val_share),
    test_fraction=0.0,
    hidden=(int(units),) * int(layers),
    activation=activation,
    init=init,
    batchnorm=bool(batchnorm),
    optimizer=runs[0][0],
    optimizer_params=runs[0][1],
    schedule=schedule,
    schedule_params=schedule_params,
    batch_size=batch_size,
    l1=float(l1),
    l2=float(l2),
    clip_norm=float(clip),
    dropout=float(keep),
)
session = pg.sync(config, runs)

# --- Run / Pause / Step / Reset ------------------------------------------------------------------


def _run() -> None:
    pg.session().running = True


def _pause() -> None:
    pg.session().running = False


def _step() -> None:
    s = pg.session()
    s.running = False
    pg.step(s)


cols = st.columns([1.1, 1.2, 1.1, 1.2, 3], vertical_alignment="bottom")
cols[0].button(
    "Run",
    icon=":material/play_arrow:",
    key="pg_run",
    type="primary",
    on_click=_run,
    disabled=session.state is None or session.running,
)
cols[1].button(
    "Pause", icon=":material/pause:", key="pg_pause", on_click=_pause, disabled=not session.running
)
cols[2].button(
    "Step",
    icon=":material/skip_next:",
    key="pg_step",
    on_click=_step,
    disabled=session.state is None,
)
if cols[3].button("Reset", icon=":material/restart_alt:", key="pg_reset", on_click=pg.reset):
    session = pg.sync(config, runs)
if session.notice:
    st.info(session.notice, icon=":material/info:")
if session.error:
    st.error(f"These settings cannot be trained: {session.error}")

show = 0
if n_runs > 1 and session.state is not None:
    show = cols[4].selectbox(
        "decision boundary of",
        range(n_runs),
        format_func=lambda i: session.state.labels[i],
        key="pg_show",
    )


# While training runs, three fragments redraw on their own clocks: the step counter and the decision
# boundary as often as the browser keeps up, the curves and the diagnostics less often (drawing
# them costs the browser more than a training chunk costs the engine).
RUNNING = session.running


def _shown(s: pg.Session) -> int:
    return min(show, len(s.state.labels) - 1)


def _chart(fig, key: str) -> None:
    """While training runs, a chart that redraws in place (st.plotly_chart would blink at every
    redraw); otherwise Streamlit's own Plotly chart."""
    if RUNNING:
        live_chart(fig, key=f"{key}_live")
    else:
        st.plotly_chart(fig, key=key)


@st.fragment(run_every=0.1 if RUNNING else None)
def live() -> None:
    """One chunk of training (while running), the counter, the metrics and the boundary."""
    s = pg.session()
    if s.state is None or s.history is None:
        st.warning("Nothing to train yet: fix the settings above.")
        return
    if s.running:
        pg.step(s)
        if not s.running:  # it stopped by itself (diverged, early stopping, step limit)
            st.rerun()
    state_ = s.state
    ipe = state_.spec.iterations_per_epoch
    status = s.history.status or state_.status()
    line = f"**epoch {state_.step // ipe} · iteration {state_.step}**  ({ipe} iteration{'s' if ipe != 1 else ''} per epoch)"
    rate = pg.updates_per_second(s) if s.running else None
    if rate:
        line += f" · {rate:.1f} updates/s"
    st.markdown(
        line,
        help="An iteration is one parameter update on one batch; an epoch is one "
        "pass over the training set.",
    )
    for label, st_ in zip(state_.labels, status, strict=False):
        stopped_run_notice(label, st_.get("diverged_at"))
    data = s.history.data
    metrics = st.columns(len(state_.labels))
    for r, (col, label) in enumerate(zip(metrics, state_.labels, strict=False)):
        if s.history.steps:
            loss, acc = data["loss"][r], data["val_acc"][r]
            last = loss[~(loss != loss)]
            vals = acc[~(acc != acc)]
            col.metric(
                label,
                f"loss {last[-1]:.3f}" if last.size else "—",
                f"val acc {vals[-1]:.0%}" if vals.size else None,
                delta_color="off",
            )
        else:
            col.metric(label, "not trained yet")
    grid = predict_grid(state_, RESOLUTION, run=_shown(s))
    ds = state_.dataset
    boundary = boundary_figure(
        grid,
        ds.x_train,
        ds.y_train,
        ds.x_val,
        ds.y_val,
        n_classes=ds.n_classes,
        feature_names=DATASETS[config.dataset].feature_names,
        title=f"decision boundary · {state_.labels[_shown(s)]}",
    )
    _chart(boundary, "pg_boundary")
    st.session_state["pg_boundary_fig"] = boundary


@st.fragment(run_every=1.0 if RUNNING else None)
def curves() -> None:
    """Loss and accuracy curves of every run."""
    s = pg.session()
    if s.state is None or s.history is None:
        return
    status = s.history.status or s.state.status()
    fig = curves_figure(
        s.history.data,
        s.state.labels,
        s.state.spec.optimizers,
        iterations_per_epoch=s.state.spec.iterations_per_epoch,
        diverged=[st_.get("diverged_at") for st_ in status],
    )
    _chart(fig, "pg_curves")
    st.session_state["pg_curves_fig"] = fig


@st.fragment(run_every=2.0 if RUNNING else None)
def diagnostics() -> None:
    """Update/weight ratios, dead or saturated units and gradient norms per layer."""
    s = pg.session()
    if s.state is None or s.history is None or not s.history.steps:
        return
    fig = diagnostics_figure(s.history.run(_shown(s)), activation=s.state.spec.activation)
    _chart(fig, "pg_diag")


live()
curves()
diagnostics()

# --- formulas, exports, what to notice ---------------------------------------------------------
with st.expander("The update rules in this run", expanded=False):
    for name in dict.fromkeys(name for name, _ in runs):
        st.markdown(f"**{OPTIMIZERS[name].label}**")
        st.latex(OPTIMIZERS[name].latex)
    st.markdown(f"**Schedule: {SCHEDULES[schedule].label}**")
    st.latex(SCHEDULES[schedule].latex)
    st.markdown("**The loss being minimized** (data loss on batch $B$ plus the penalties)")
    st.latex(text.OBJECTIVE)
    st.markdown(
        f"**Activation: {ACTIVATIONS[activation].label}**, **initialization: {INITS[init].label}**"
    )
    st.latex(ACTIVATIONS[activation].latex)
    st.latex(INITS[init].latex)

if session.history is not None and session.history.steps and not session.running:
    with st.expander("Export", expanded=False):
        history = session.history
        export.download_row(
            export.data_downloads(
                "playground_history",
                "history",
                lambda: pg.history_csv(history),
                lambda: pg.history_json(history, config),
            ),
            key="pg",
        )
        figures = [st.session_state.get(k) for k in ("pg_boundary_fig", "pg_curves_fig")]
        if all(figures):
            export.download_row(
                [
                    *export.figure_downloads(figures[0], "playground_boundary", "boundary"),
                    *export.figure_downloads(figures[1], "playground_curves", "curves"),
                ],
                key="pg",
            )

what_to_notice(text.NOTICE)
state.finish()
