"""Copy as code: every generated script runs, and its printed run is ours.

optax scripts run here (optax is a test dependency); PyTorch scripts where torch is installed
(``pip install -e .[torch]``), skipped otherwise. Scripts are run in a fresh namespace of this
process (a subprocess per script would spend seconds importing JAX) and compared with the engine in
float64 to 1e-5. The runs are chosen away from chaotic regimes: there a 1e-16 rounding difference
(an FMA in PyTorch's RMSprop, say) grows ×1000 every few steps, whatever the library.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from dataclasses import replace
from pathlib import Path

import jax
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from optim_lab import cli
from optim_lab.code_export import (
    NotExpressible,
    formula_code,
    resolve_surface,
    trajectory_script,
)
from optim_lab.nn.code_export import train_script
from optim_lab.nn.training import train
from optim_lab.nn.training_config import TrainConfig
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.schedules import SCHEDULES
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, run

pytestmark = pytest.mark.usefixtures("float64")

TOL = 1e-5
STEPS = 40
BOWL = {"kappa": 5.0, "angle": 25.0}
BOWL_START = (-1.6, 1.1)

# Hyper-parameters that move each optimizer well along the rotated bowl in 40 steps.
OPTIMIZER_CASES = {
    "sgd": {"lr": 0.3},
    "momentum": {"lr": 0.4, "beta": 0.8},
    "heavy_ball": {"lr": 0.1, "rho": 0.7},
    "nesterov": {"lr": 0.1, "rho": 0.7},
    "adagrad": {"lr": 0.5, "eps": 1e-3},
    "rmsprop": {"lr": 0.05, "beta2": 0.8, "eps": 1e-3},
    "adadelta": {"lr": 5.0, "rho": 0.8, "eps": 1e-2},
    "adam": {"lr": 0.1, "beta1": 0.8, "beta2": 0.95, "eps": 1e-3},
    "adamw": {"lr": 0.1, "beta1": 0.8, "beta2": 0.95, "eps": 1e-3, "weight_decay": 0.5},
    "lion": {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "weight_decay": 0.3},
}
# What each library lacks (the message must name it).
REFUSED = {
    "optax": {"newton": "Newton", "lbfgs": "L-BFGS"},
    "torch": {"newton": "Newton", "lbfgs": "L-BFGS", "lion": "Lion"},
}
SCHEDULE_CASES = {
    "constant": {},
    "step": {"step_size": 7, "gamma": 0.5},
    "multistep": {"milestones": "5,12,12,30", "gamma": 0.7},
    "exponential": {"k": 0.05},
    "inverse_time": {"k": 0.2},
    "cosine": {"t_max": 15, "lr_min": 0.02},  # longer than T_max: the cosine rises again
    "cyclic": {"lr_min": 0.01, "lr_max": 0.4, "step_size": 6},
    "warm_restarts": {"t_0": 5, "t_mult": 2, "lr_min": 0.01},
    "plateau": {"factor": 0.5, "patience": 1, "threshold": 0.5},
}
MODIFIER_CASES = [
    ("sgd", {"clip_norm": 0.4}),
    ("adam", {"clip_value": 0.05}),
    ("momentum", {"weight_decay": 0.3}),
    ("adamw", {"weight_decay": 0.3, "clip_norm": 0.5}),
    ("heavy_ball", {"noise": 0.3}),
    ("sgd", {"l1": 0.2, "clip_value": 0.5}),
    ("adam", {"decoupled_decay": 0.5, "l1": 0.05}),
    ("momentum", {"decoupled_decay": 0.8}),  # EWA momentum: PyTorch's rate is α(1 − β)
]


def printed_run(script: str) -> dict:
    """Runs ``script`` in a fresh namespace and returns the JSON it prints."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(script, "<script>", "exec"), {"__name__": "__main__"})
    return json.loads(out.getvalue())


def assert_same_run(printed: dict, surface, spec, start, steps, surface_params=None):
    ours = run(resolve_surface(surface), spec, start, steps, surface_params, details=False)
    ours = ours.to_dict()
    assert set(printed) == {"points", "loss", "lr", "diverged_at"}
    assert printed["diverged_at"] == ours["diverged_at"]
    for key in ("points", "loss", "lr"):
        np.testing.assert_allclose(printed[key], ours[key], rtol=TOL, atol=TOL, err_msg=key)
    points = np.asarray(ours["points"])
    assert np.max(np.abs(points[-1] - points[0])) > 0.1, "the run must go somewhere"


def check(library, surface, spec, start=BOWL_START, steps=STEPS, surface_params=None):
    params = BOWL if surface == "bowl" and surface_params is None else surface_params
    script = trajectory_script(library, surface, spec, start, steps, params)
    assert_same_run(printed_run(script), surface, spec, start, steps, params)
    return script


@pytest.fixture(params=["optax", "torch"])
def library(request):
    if request.param == "torch":
        pytest.importorskip("torch")
    return request.param


def test_cases_cover_the_registries():
    assert set(OPTIMIZER_CASES) | set(REFUSED["optax"]) == set(OPTIMIZERS.names())
    assert set(SCHEDULE_CASES) == set(SCHEDULES.names())
    for name, hp in OPTIMIZER_CASES.items():
        assert set(hp) <= set(OPTIMIZERS[name].defaults())


@pytest.mark.parametrize("name", sorted(OPTIMIZER_CASES))
def test_every_optimizer(library, name):
    spec = RunSpec(name, OPTIMIZER_CASES[name])
    if name in REFUSED[library]:
        with pytest.raises(NotExpressible, match=REFUSED[library][name]):
            trajectory_script(library, "bowl", spec, BOWL_START, STEPS, BOWL)
        return
    check(library, "bowl", spec)


@pytest.mark.parametrize("name", sorted(SCHEDULE_CASES))
def test_every_schedule(library, name):
    optimizer = "momentum" if name in ("cyclic", "cosine") else "sgd"  # absolute rates × (1 − β)
    hp = {"lr": 0.3, "beta": 0.5} if optimizer == "momentum" else {"lr": 0.3}
    check(library, "bowl", RunSpec(optimizer, hp, name, SCHEDULE_CASES[name]))


def test_schedules_change_the_rate():
    """Guard against vacuous schedule tests: each case's rates are not constant over the run."""
    for name, params in SCHEDULE_CASES.items():
        if name in ("constant", "plateau"):
            continue
        spec = RunSpec("sgd", {"lr": 0.3}, name, params)
        lr = run(resolve_surface("bowl"), spec, BOWL_START, STEPS, BOWL, details=False).lr
        assert np.ptp(lr) > 1e-3, name


def test_plateau_reduces_the_rate():
    spec = RunSpec("sgd", {"lr": 0.3}, "plateau", SCHEDULE_CASES["plateau"])
    lr = run(resolve_surface("bowl"), spec, BOWL_START, STEPS, BOWL, details=False).lr
    assert lr[-1] < lr[0]


@pytest.mark.parametrize(("optimizer", "modifiers"), MODIFIER_CASES)
def test_modifiers(library, optimizer, modifiers):
    spec = RunSpec(optimizer, OPTIMIZER_CASES[optimizer], modifiers=modifiers, seed=7)
    if "noise" in modifiers and library == "torch":
        with pytest.raises(NotExpressible, match="noise"):
            trajectory_script(library, "bowl", spec, BOWL_START, STEPS, BOWL)
        return
    check(library, "bowl", spec)


def test_modifiers_change_the_run():
    """The modifier cases really clip, decay or perturb (else their tests prove nothing)."""
    surface = resolve_surface("bowl")
    for optimizer, modifiers in MODIFIER_CASES:
        plain = RunSpec(optimizer, OPTIMIZER_CASES[optimizer], seed=7)
        modified = RunSpec(optimizer, OPTIMIZER_CASES[optimizer], modifiers=modifiers, seed=7)
        a = run(surface, plain, BOWL_START, STEPS, BOWL, details=False).points
        b = run(surface, modified, BOWL_START, STEPS, BOWL, details=False).points
        assert np.max(np.abs(a - b)) > 1e-3, modifiers


def test_noise_follows_the_seed():
    """The optax script draws the app's noise: another seed is another path."""
    spec = RunSpec("sgd", {"lr": 0.3}, modifiers={"noise": 0.5}, seed=1)
    script = trajectory_script("optax", "bowl", spec, BOWL_START, STEPS, BOWL)
    other = run(
        resolve_surface("bowl"),
        RunSpec("sgd", {"lr": 0.3}, modifiers={"noise": 0.5}, seed=2),
        BOWL_START,
        STEPS,
        BOWL,
    )
    assert np.max(np.abs(np.asarray(printed_run(script)["points"]) - other.points)) > 1e-2


def test_minibatches(library):
    spec = RunSpec("sgd", {"lr": 0.1}, seed=4_000_000_000)
    params = {"n_points": 80, "batch_size": 8, "noise": 0.8}
    if library == "torch":
        with pytest.raises(NotExpressible, match="minibatch"):
            trajectory_script(library, "least_squares", spec, (-0.5, 1.5), STEPS, params)
        params = dict(params, batch_size=80)  # the full data set: no random draw
    check(library, "least_squares", spec, (-0.5, 1.5), STEPS, params)


@pytest.mark.parametrize(
    "formula",
    [
        "x**2 + 10*y**2",
        "(1 - x)**2 + 5*(y - x**2)**2 + sin(3*x)*cos(y)/4 + softplus(y) - relu(x - 1)",
        "exp(-(x**2 + y**2))*-1 + 2**x/4 + max(x, y)**2 + pi*log1p(x**2) + 1/2*y**2",
        "abs(y)**1.5 + x**-2 + pow(2, 3)*x**2 + atan2(y, x + 5) - (-x)**2 + 3**2**0.5 + e",
    ],
)
def test_user_formula(library, formula):
    check(library, "expr:" + formula, RunSpec("sgd", {"lr": 0.05}), (0.8, 0.7), STEPS)


def test_formula_code_keeps_the_tree():
    """Precedence and grouping survive: the code is the formula the parser read."""
    assert formula_code("-x**2", "optax") == "-x ** 2"
    assert formula_code("(-x)**2", "optax") == "(-x) ** 2"
    assert formula_code("x - (y - 1)", "optax") == "x - (y - 1.0)"
    assert formula_code("2**3**x", "optax") == "jnp.float64(2.0) ** jnp.float64(3.0) ** x"
    assert formula_code("1/0 + x", "optax") == "jnp.float64(1.0) / 0.0 + x"
    assert formula_code("exp(1) + x", "torch") == "torch.exp(torch.tensor(1.0)) + x"
    assert formula_code("3", "optax") == "3.0 + 0.0 * x"


def test_a_formulas_comment_never_reaches_the_script():
    """Only the parsed tree is written: text after '#' (here with a line break) is dropped."""
    formula = "x**2 + y**2 # \nimport os"
    script = trajectory_script("optax", "expr:" + formula, RunSpec("sgd"), (1.0, 1.0), 5)
    assert "import os" not in script and "#  " not in script.split("def loss_fn")[1][:80]
    printed_run(script)


def test_divergence_is_held_as_the_app_holds_it(library):
    spec = RunSpec("sgd", {"lr": 4.0}, "step", {"step_size": 3, "gamma": 0.9})
    script = check(library, "bowl", spec)
    assert printed_run(script)["diverged_at"] is not None


def test_adam_variants():
    eps_inside = RunSpec("adam", dict(OPTIMIZER_CASES["adam"], eps_inside_sqrt=1))
    check("optax", "bowl", eps_inside)
    raw = RunSpec("adam", dict(OPTIMIZER_CASES["adam"], bias_correction=0))
    for library in ("optax", "torch"):
        with pytest.raises(NotExpressible, match="bias correction"):
            trajectory_script(library, "bowl", raw, BOWL_START, STEPS, BOWL)
    with pytest.raises(NotExpressible, match="inside the root"):
        trajectory_script("torch", "bowl", eps_inside, BOWL_START, STEPS, BOWL)


@pytest.mark.slow
@pytest.mark.parametrize("surface", SURFACES.names())
def test_every_surface(library, surface):
    entry = SURFACES[surface]
    params = {"batch_size": 500} if surface == "least_squares" and library == "torch" else None
    lr = {"rastrigin": 0.02}.get(surface, 0.05)
    check(library, surface, RunSpec("adam", {"lr": lr}), entry.start, 60, params)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(OPTIMIZER_CASES))
@pytest.mark.parametrize("schedule", ["step", "cosine", "plateau"])
def test_optimizers_with_schedules_and_modifiers(library, name, schedule):
    if name in REFUSED[library]:
        pytest.skip(f"{library} has no {name}")
    mods = {"clip_norm": 0.8, "weight_decay": 0.05}
    spec = RunSpec(name, OPTIMIZER_CASES[name], schedule, SCHEDULE_CASES[schedule], mods)
    check(library, "bowl", spec)


@pytest.mark.parametrize("schedule", ["cosine", "plateau"])
def test_the_decoupled_decay_follows_the_schedule(library, schedule):
    spec = RunSpec(
        "adam", {"lr": 0.1}, schedule, SCHEDULE_CASES[schedule], {"decoupled_decay": 0.5}
    )
    check(library, "bowl", spec)


def test_bad_input_is_a_value_error():
    with pytest.raises(ValueError, match="library"):
        trajectory_script("keras", "bowl", RunSpec("sgd"), BOWL_START, STEPS)
    with pytest.raises(ValueError, match="steps"):
        trajectory_script("optax", "bowl", RunSpec("sgd"), BOWL_START, 0)
    with pytest.raises(ValueError, match="start"):
        trajectory_script("optax", "bowl", RunSpec("sgd"), (1.0, float("nan")), 5)


def test_the_arenas_script_is_cheap():
    """Written on every opening of the expander: well under 2 ms for the arena's defaults."""
    spec = RunSpec("adam", {"lr": 0.05})
    trajectory_script("optax", "rosenbrock", spec, (-1.5, 2.0), 200)
    for library in ("optax", "torch"):
        start = time.perf_counter()
        for _ in range(20):
            trajectory_script(library, "rosenbrock", spec, (-1.5, 2.0), 200)
        assert (time.perf_counter() - start) / 20 < 2e-3


# ------------------------------------------------------------------------------------------------
# CLI


def run_cli(argv, capsys) -> tuple[int, str, str]:
    previous = jax.config.jax_enable_x64  # the CLI sets the precision for the whole process
    try:
        code = cli.main(argv)
    finally:
        jax.config.update("jax_enable_x64", previous)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_prints_the_script(capsys):
    args = [
        "trajectory",
        "--surface",
        "bowl",
        "--surface-set",
        "kappa=5",
        "--optimizer",
        "nesterov",
        "--set",
        "lr=0.1",
        "--schedule",
        "step",
        "--schedule-set",
        "step_size=7",
        "--clip-norm",
        "0.5",
        "--start",
        "-1.6,1.1",
        "--steps",
        "30",
    ]
    code, script, _ = run_cli([*args, "--format", "optax"], capsys)
    assert code == 0 and script.startswith('"""')
    code, text, _ = run_cli([*args, "--x64", "--format", "json"], capsys)
    assert code == 0
    printed, ours = printed_run(script), json.loads(text)
    for key in ("points", "loss", "lr"):
        np.testing.assert_allclose(printed[key], ours[key], rtol=TOL, atol=TOL)
    assert printed["diverged_at"] == ours["diverged_at"]
    assert "--optimizer nesterov" in script


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["schedule", "--name", "cosine", "--steps", "5", "--format", "optax"],
            "trajectory and train",
        ),
        (
            [
                "trajectory",
                "--surface",
                "bowl",
                "--optimizer",
                "newton",
                "--steps",
                "5",
                "--format",
                "optax",
            ],
            "Newton",
        ),
        (
            [
                "trajectory",
                "--surface",
                "bowl",
                "--optimizer",
                "lion",
                "--steps",
                "5",
                "--format",
                "torch",
            ],
            "Lion",
        ),
        (
            [
                "trajectory",
                "--surface",
                "bowl",
                "--optimizer",
                "sgd",
                "--steps",
                "5",
                "--format",
                "keras",
            ],
            "invalid choice",
        ),
    ],
)
def test_cli_refuses_bad_combinations(capsys, argv, message):
    code, out, err = run_cli(argv, capsys)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------------------------------------
# The arena's expander (AppTest)

ARENA = str(Path(__file__).resolve().parents[1] / "pages" / "lessons" / "arena.py")
PLAYGROUND = str(Path(__file__).resolve().parents[1] / "pages" / "lessons" / "playground.py")


@contextlib.contextmanager
def float32():
    """The app computes in float32: pages run as they do on a server."""
    previous = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", False)
    try:
        yield
    finally:
        jax.config.update("jax_enable_x64", previous)


def test_the_arena_shows_its_runs_as_code():
    with float32():
        at = AppTest.from_file(ARENA, default_timeout=90)
        at.query_params["r1.opt"] = "newton"
        at.run()
        assert not at.exception
        expander = [e for e in at.expander if e.label == "Copy as code"]
        assert len(expander) == 1 and not at.code  # closed: nothing written yet
        at.session_state["arena_runs:code"] = True  # as a click opens it
        at.run()
        assert not at.exception
        # run 1 (Newton) has no script in either library, and says why
        infos = [i.value for i in at.info]
        assert any("Not available for this run, because optax has no Newton" in i for i in infos)
        assert any("because PyTorch has no Newton" in i for i in infos)
        at.selectbox(key="arena_runs:code_run").set_value(2).run()  # run 3: Adam
        assert not at.exception
        optax_script, torch_script = (c.value for c in at.code)
        assert "optax.adam(" in optax_script and "torch.optim.Adam(" in torch_script
        labels = [b.label for b in at.get("download_button")]
        assert "⬇ optax script" in labels and "⬇ PyTorch script" in labels


# ------------------------------------------------------------------------------------------------
# Network runs (the playground's): float32, as the app trains

NETWORK = TrainConfig(
    dataset="spiral",
    dataset_params={"points": 120},
    hidden=(8, 8),
    train_share=0.7,
    optimizer="adam",
    optimizer_params={"lr": 0.02},
    l2=0.01,
    clip_norm=2.0,
)
NETWORK_STEPS = 40


def network_losses(config: TrainConfig, steps: int = NETWORK_STEPS) -> np.ndarray:
    return np.asarray(train(config, steps)["loss"][0][:steps], np.float64)


def assert_follows_the_app(printed: dict, config: TrainConfig):
    ours = network_losses(config)
    assert printed["diverged_at"] is None and len(printed["loss"]) == NETWORK_STEPS
    np.testing.assert_allclose(printed["loss"], ours, rtol=1e-4)
    assert ours[-1] < 0.9 * ours[0]  # it trained
    assert 0 <= printed["val_acc"] <= 1 and len(printed["val_loss"]) == NETWORK_STEPS


@pytest.mark.parametrize(
    "config",
    [
        NETWORK,
        # the app's own mini-batches: the optax script draws the same shuffles
        pytest.param(
            replace(
                NETWORK,
                batch_size=16,
                optimizer="momentum",
                optimizer_params={"lr": 0.3},
                schedule="step",
                schedule_params={"step_size": 15},
                activation="tanh",
            ),
            marks=pytest.mark.slow,
        ),
    ],
    ids=["full-batch", "mini-batch"],
)
def test_the_optax_network_script_follows_the_app(config):
    with float32():
        assert_follows_the_app(printed_run(train_script("optax", config, NETWORK_STEPS)), config)


@pytest.mark.slow
def test_the_torch_network_script_follows_the_app_with_full_batches():
    pytest.importorskip("torch")
    with float32():
        assert_follows_the_app(printed_run(train_script("torch", NETWORK, NETWORK_STEPS)), NETWORK)


def test_network_scripts_say_what_is_not_the_apps():
    dropout = replace(NETWORK, dropout=0.8, batch_size=16)
    optax_script = train_script("optax", dropout, 10)
    torch_script = train_script("torch", dropout, 10)
    assert "the dropout masks (this script's own draws)" in optax_script
    assert "the app's own shuffles (same keys)" in optax_script
    assert "PyTorch's own shuffles" in torch_script
    assert "F.dropout(h, p=1 - KEEP" in torch_script and "KEEP = 0.8" in torch_script


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"batchnorm": True}, "batch norm"),
        ({"activation": "maxout"}, "maxout"),
        ({"patience": 5}, "early stopping"),
        ({"dropout": 0.5, "dropout_mode": "vanilla"}, "inverted dropout"),
        ({"optimizer": "newton"}, "Newton"),
        ({"dataset_params": {"points": 2000}, "hidden": (256, 256)}, "embeds"),
    ],
)
def test_network_refusals(change, message):
    with pytest.raises(NotExpressible, match=message):
        train_script("optax", replace(NETWORK, **change), 10)


def test_cli_train_prints_the_script(capsys):
    argv = ["train", "--dataset", "moons", "--points", "80", "--hidden", "4", "--steps", "5"]
    code, script, _ = run_cli([*argv, "--format", "torch"], capsys)
    assert code == 0 and "torch.optim.Adam(" in script
    compile(script, "<script>", "exec")


@pytest.mark.slow
def test_the_playground_shows_its_run_as_code():
    with float32():
        at = AppTest.from_file(PLAYGROUND, default_timeout=120).run()
        at.button(key="pg_chunk").click().run()
        at.session_state["playground:code"] = True
        at.run()
        assert not at.exception
        optax_script, torch_script = (c.value for c in at.code)
        assert "STEPS = 25" in optax_script and "torch.optim" in torch_script
