"""The CLI contract (design.md §4): JSON/CSV shapes of every subcommand, numbers checked against
closed forms and hand computations, and bad input → exit code 2 with one line on stderr.

Most tests call :func:`optim_lab.cli.main` in-process (no new JAX start-up); a few run
``python -m optim_lab`` as a real subprocess to prove the module entry point.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import jax
import numpy as np
import pytest

from optim_lab.cli import main
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.schedules import SCHEDULES
from optim_lab.surfaces import SURFACES

REPO = Path(__file__).resolve().parents[1]
TRAJECTORY_KEYS = {"points", "loss", "lr", "diverged_at"}


@pytest.fixture(autouse=True)
def _restore_x64():
    """``main`` sets jax_enable_x64 from its ``--x64`` flag: leave the process as we found it."""
    previous = jax.config.jax_enable_x64
    yield
    jax.config.update("jax_enable_x64", previous)


def _no_constants(name: str):
    raise AssertionError(f"non-finite JSON constant {name!r} in the output")


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def cli_json(capsys, *argv: str) -> dict:
    """Runs a command that must succeed and print exactly one JSON line (NaN/Infinity refused)."""
    code, out, err = cli(capsys, *argv)
    assert code == 0, err
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == 1 and out.endswith("\n")
    return json.loads(lines[0], parse_constant=_no_constants)


def cli_csv(capsys, *argv: str) -> tuple[list[str], list[dict[str, str]]]:
    code, out, err = cli(capsys, *argv, "--format", "csv")
    assert code == 0, err
    assert err == ""
    reader = csv.DictReader(io.StringIO(out))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def cli_bad(capsys, *argv: str) -> str:
    """Runs bad input: exit code 2, nothing on stdout, one line on stderr; returns that line."""
    code, out, err = cli(capsys, *argv)
    assert code == 2, (code, out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("optim-lab: error: ")
    return lines[0]


def all_finite(values) -> bool:
    return all(math.isfinite(v) for v in np.ravel(np.asarray(values, dtype=float)))


QUAD = ["trajectory", "--expr", "x**2 + y**2", "--optimizer", "sgd"]


# --------------------------------------------------------------------------------------------------
# trajectory: shape


def test_trajectory_registry_surface_shape_and_surface_set(capsys):
    steps = 20
    out = cli_json(
        capsys,
        *["trajectory", "--surface", "bowl", "--surface-set", "kappa=5"],
        *["--optimizer", "adam", "--set", "lr=0.05", "--start", "1,0.5", "--steps", str(steps)],
    )
    assert set(out) == TRAJECTORY_KEYS
    assert len(out["points"]) == steps + 1
    assert all(len(p) == 2 for p in out["points"])
    assert out["points"][0] == [1.0, 0.5]
    assert len(out["loss"]) == steps + 1
    assert len(out["lr"]) == steps
    assert out["lr"] == pytest.approx([0.05] * steps)
    assert out["diverged_at"] is None
    # κ = 5 reached the surface: f(1, 0.5) = (1 + 5·0.25) / (2·5)
    assert out["loss"][0] == pytest.approx(0.225, rel=1e-6)
    assert out["loss"][-1] < out["loss"][0]


def test_trajectory_default_start_is_the_surface_start(capsys):
    out = cli_json(capsys, "trajectory", "--surface", "bowl", "--optimizer", "sgd", "--steps", "3")
    assert out["points"][0] == pytest.approx(list(SURFACES["bowl"].start))
    assert len(out["points"]) == 4


def test_trajectory_expr_matches_hand_sgd(capsys):
    steps, lr = 10, 0.01
    out = cli_json(
        capsys,
        *["trajectory", "--expr", "x**2 + 10*y**2", "--optimizer", "sgd"],
        *["--set", f"lr={lr}", "--start", "1,1", "--steps", str(steps)],
    )
    assert set(out) == TRAJECTORY_KEYS
    assert out["diverged_at"] is None
    x, y = 1.0, 1.0
    expected_points, expected_loss = [[x, y]], [x**2 + 10 * y**2]
    for _ in range(steps):
        x, y = x - lr * 2 * x, y - lr * 20 * y
        expected_points.append([x, y])
        expected_loss.append(x**2 + 10 * y**2)
    assert np.allclose(out["points"], expected_points, rtol=1e-5)
    assert np.allclose(out["loss"], expected_loss, rtol=1e-5)
    assert out["lr"] == pytest.approx([lr] * steps)


def test_trajectory_divergence_is_data(capsys):
    steps = 10
    out = cli_json(capsys, *QUAD, "--set", "lr=5", "--start", "1,1", "--steps", str(steps))
    k = out["diverged_at"]
    assert isinstance(k, int) and not isinstance(k, bool)
    assert 1 <= k <= steps
    assert len(out["points"]) == steps + 1 and len(out["loss"]) == steps + 1
    assert all_finite(out["points"]) and all_finite(out["loss"]) and all_finite(out["lr"])
    # the path stops at its last finite point
    for point in out["points"][k:]:
        assert point == out["points"][k - 1]


def test_trajectory_converging_run_has_no_divergence(capsys):
    out = cli_json(capsys, *QUAD, "--set", "lr=0.1", "--start", "1,1", "--steps", "50")
    assert out["diverged_at"] is None
    assert out["loss"][-1] < 1e-6


# --------------------------------------------------------------------------------------------------
# trajectory: schedule and modifiers


def test_trajectory_step_schedule_uses_optimizer_lr(capsys):
    out = cli_json(
        capsys,
        *QUAD,
        *["--set", "lr=0.1", "--start", "1,1", "--steps", "6"],
        *["--schedule", "step", "--schedule-set", "step_size=2", "--schedule-set", "gamma=0.5"],
    )
    assert out["lr"] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025], rel=1e-6)
    # the path uses those rates: x_{t+1} = x_t (1 - 2 lr_t) on x² + y²
    x, xs = 1.0, [1.0]
    for lr in out["lr"]:
        x *= 1 - 2 * lr
        xs.append(x)
    assert [p[0] for p in out["points"]] == pytest.approx(xs, rel=1e-5)


def test_trajectory_schedule_set_lr_overrides_optimizer_lr(capsys):
    out = cli_json(
        capsys,
        *QUAD,
        *["--set", "lr=0.1", "--start", "1,1", "--steps", "6", "--schedule", "step"],
        *["--schedule-set", "step_size=2", "--schedule-set", "gamma=0.5"],
        *["--schedule-set", "lr=0.4"],
    )
    assert out["lr"] == pytest.approx([0.4, 0.4, 0.2, 0.2, 0.1, 0.1], rel=1e-6)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], (3 - 0.6, 4 - 0.8)),  # g = (6, 8)
        (["--clip-norm", "1"], (3 - 0.06, 4 - 0.08)),  # g → (0.6, 0.8)
        (["--clip-value", "1"], (3 - 0.1, 4 - 0.1)),  # g → (1, 1)
        (["--weight-decay", "0.5"], (3 - 0.75, 4 - 1.0)),  # g + 0.5 θ = (7.5, 10)
        # PyTorch's order: clip first, then coupled decay: (0.6, 0.8) + (1.5, 2)
        (["--clip-norm", "1", "--weight-decay", "0.5"], (3 - 0.21, 4 - 0.28)),
        (["--l1", "2"], (3 - 0.8, 4 - 1.0)),  # g + 2 sign θ = (8, 10)
        # AdamW's decay after the step: θ − α g − α λ θ
        (["--decoupled-decay", "0.5"], (3 - 0.6 - 0.15, 4 - 0.8 - 0.2)),
    ],
    ids=["plain", "clip-norm", "clip-value", "weight-decay", "clip-then-decay", "l1", "decoupled"],
)
def test_trajectory_modifiers_one_step(capsys, flags, expected):
    out = cli_json(capsys, *QUAD, "--set", "lr=0.1", "--start", "3,4", "--steps", "1", *flags)
    assert out["points"][1] == pytest.approx(list(expected), rel=1e-6)


def test_trajectory_noise_is_seeded(capsys):
    base = [*QUAD, "--set", "lr=0.1", "--start", "1,1", "--steps", "10", "--noise", "1"]
    first = cli_json(capsys, *base, "--seed", "1")
    again = cli_json(capsys, *base, "--seed", "1")
    other = cli_json(capsys, *base, "--seed", "2")
    clean = cli_json(capsys, *QUAD, "--set", "lr=0.1", "--start", "1,1", "--steps", "10")
    assert first == again
    assert first["points"] != other["points"]
    assert first["points"] != clean["points"]
    assert all_finite(first["points"])


def test_x64_matches_float64_hand_computation(capsys):
    steps, lr = 3, 0.01
    argv = [
        *["trajectory", "--expr", "x**2 + 3*y**2", "--optimizer", "sgd"],
        *["--set", f"lr={lr}", "--start", "123.456,7.89", "--steps", str(steps)],
    ]
    f64 = cli_json(capsys, *argv, "--x64")
    f32 = cli_json(capsys, *argv)
    xy = np.array([123.456, 7.89], dtype=np.float64)
    points, loss = [xy.copy()], [xy[0] ** 2 + 3 * xy[1] ** 2]
    for _ in range(steps):
        xy = xy - lr * np.array([2 * xy[0], 6 * xy[1]])
        points.append(xy.copy())
        loss.append(xy[0] ** 2 + 3 * xy[1] ** 2)
    np.testing.assert_allclose(f64["points"], points, rtol=1e-13)
    np.testing.assert_allclose(f64["loss"], loss, rtol=1e-13)
    # float32 lands visibly elsewhere: the --x64 run really computed in float64
    assert np.max(np.abs(np.subtract(f32["points"], points))) > 1e-7
    assert np.max(np.abs(np.subtract(f32["points"], f64["points"]))) > 1e-7
    np.testing.assert_allclose(f32["points"], points, rtol=1e-5)


def test_global_flags_go_before_or_after_the_subcommand(capsys):
    argv = ["ewa", "--beta", "0.5", "--values", "1,2"]
    code_before, before, _ = cli(capsys, "--format", "csv", *argv)
    code_after, after, _ = cli(capsys, *argv, "--format", "csv")
    assert code_before == code_after == 0
    assert before == after
    assert before.startswith("t,value,raw,corrected")


# --------------------------------------------------------------------------------------------------
# schedule and ewa


def _cyclic(t, lo, hi, s):
    cycle = math.floor(1 + t / (2 * s))
    return lo + (hi - lo) * max(0.0, 1 - abs(t / s - 2 * cycle + 1))


SCHEDULE_CASES = [
    ("constant", ["lr=0.3"], lambda t: 0.3),
    ("step", ["lr=0.1", "step_size=3", "gamma=0.5"], lambda t: 0.1 * 0.5 ** (t // 3)),
    (
        "multistep",
        ["lr=1", "milestones=2,5", "gamma=0.1"],
        lambda t: 0.1 ** sum(t >= m for m in (2, 5)),
    ),
    ("exponential", ["lr=0.2", "k=0.1"], lambda t: 0.2 * math.exp(-0.1 * t)),
    ("inverse_time", ["lr=0.2", "k=0.5"], lambda t: 0.2 / (1 + 0.5 * t)),
    (
        "cosine",
        ["lr=0.1", "t_max=10", "lr_min=0.01"],
        lambda t: 0.01 + 0.5 * (0.1 - 0.01) * (1 + math.cos(math.pi * t / 10)),
    ),
    ("cyclic", ["lr_min=0.01", "lr_max=0.1", "step_size=4"], lambda t: _cyclic(t, 0.01, 0.1, 4)),
    (
        "warm_restarts",
        ["lr=0.1", "t_0=4", "t_mult=1", "lr_min=0"],
        lambda t: 0.05 * (1 + math.cos(math.pi * (t % 4) / 4)),
    ),
]


@pytest.mark.parametrize(("name", "sets", "closed_form"), SCHEDULE_CASES, ids=lambda c: c)
def test_schedule_matches_closed_form(capsys, name, sets, closed_form):
    steps = 12
    set_args = [arg for s in sets for arg in ("--set", s)]
    out = cli_json(capsys, "schedule", "--name", name, *set_args, "--steps", str(steps))
    assert set(out) == {"lr"}
    assert len(out["lr"]) == steps
    expected = [closed_form(t) for t in range(steps)]
    assert out["lr"] == pytest.approx(expected, rel=1e-5, abs=1e-8)


def test_ewa_worked_example(capsys):
    out = cli_json(capsys, "ewa", "--beta", "0.98", "--values", "1,0")
    assert set(out) == {"raw", "corrected"}
    assert out["raw"] == pytest.approx([0.02, 0.0196], rel=1e-12)
    assert out["corrected"] == pytest.approx([1.0, 0.0196 / 0.0396], rel=1e-12)
    # t = 1: v₁/(1 − β) gives back θ₁ exactly
    assert out["corrected"][0] == pytest.approx(out["raw"][0] / (1 - 0.98), rel=1e-12)


def test_ewa_matches_hand_loop(capsys):
    values, beta = [3.0, 1.0, 4.0, 1.0, 5.0], 0.9
    out = cli_json(capsys, "ewa", "--beta", str(beta), "--values", ",".join(map(str, values)))
    v, raw, corrected = 0.0, [], []
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        raw.append(v)
        corrected.append(v / (1 - beta**t))
    assert out["raw"] == pytest.approx(raw, rel=1e-12)
    assert out["corrected"] == pytest.approx(corrected, rel=1e-12)


# --------------------------------------------------------------------------------------------------
# registries


def _check_listing(entries, registry):
    assert [e["name"] for e in entries] == registry.names()
    for item in entries:
        entry = registry[item["name"]]
        assert item["label"] == entry.label
        assert isinstance(item["latex"], str) and item["latex"]
        assert item["latex"] == entry.latex
        assert [p["name"] for p in item["params"]] == [p.name for p in entry.params]
        for p, spec in zip(item["params"], entry.params, strict=True):
            assert {"name", "default", "min", "max", "log"} <= set(p)
            assert p["default"] == spec.default
            assert p["min"] == spec.min and p["max"] == spec.max
            assert p["log"] is spec.log


@pytest.mark.parametrize(
    ("command", "registry"),
    [("optimizers", OPTIMIZERS), ("surfaces", SURFACES), ("schedules", SCHEDULES)],
)
def test_registry_listing(capsys, command, registry):
    out = cli_json(capsys, command)
    assert set(out) == {command}
    _check_listing(out[command], registry)
    header, rows = cli_csv(capsys, command)
    assert header == ["name", "label", "param", "default", "min", "max", "log"]
    expected = []
    for entry in registry:
        expected += [(entry.name, p.name) for p in entry.params] or [(entry.name, "")]
    assert sorted((r["name"], r["param"]) for r in rows) == sorted(expected)


def test_surfaces_listing_has_geometry(capsys):
    out = cli_json(capsys, "surfaces")
    for item in out["surfaces"]:
        entry = SURFACES[item["name"]]
        assert item["domain"] == [list(r) for r in entry.domain]
        assert item["start"] == list(entry.start)
        assert item["minima"] == [list(m) for m in entry.minima]
        assert item["stochastic"] is (entry.minibatch_fn is not None)
    assert any(item["stochastic"] for item in out["surfaces"])


def test_every_optimizer_lists_an_lr(capsys):
    out = cli_json(capsys, "optimizers")
    for item in out["optimizers"]:
        assert "lr" in [p["name"] for p in item["params"]], item["name"]


# --------------------------------------------------------------------------------------------------
# sweep

SWEEP = [
    *["sweep", "--expr", "x**2 + y**2", "--optimizer", "momentum", "--start", "1,1"],
    *["--steps", "20", "--x", "lr=0.5:5:2", "--y", "beta=0:0.9:3"],
]


def test_sweep_shape_and_values(capsys):
    out = cli_json(capsys, *SWEEP)
    assert set(out) == {"x_name", "x", "y_name", "y", "final_loss", "steps_to_tol", "diverged"}
    assert (out["x_name"], out["y_name"]) == ("lr", "beta")
    assert out["x"] == pytest.approx([0.5, 5.0])
    assert out["y"] == pytest.approx([0.0, 0.45, 0.9])
    for key, kind in (("final_loss", float), ("steps_to_tol", int), ("diverged", bool)):
        grid = out[key]
        assert len(grid) == len(out["y"])
        assert all(len(row) == len(out["x"]) for row in grid)
        assert all(type(v) is kind or (kind is float and type(v) is int) for r in grid for v in r)
    # β = 0 is SGD: lr = 0.5 lands on the minimum of x² + y² in one step; lr = 5 blows up
    assert out["final_loss"][0][0] == pytest.approx(0.0, abs=1e-12)
    assert out["steps_to_tol"][0][0] == 1
    assert out["diverged"][0][0] is False
    assert out["diverged"][0][1] is True
    assert all_finite(out["final_loss"])


def _sweep_vs_trajectory(capsys, steps: int) -> tuple[float, float]:
    """Final loss of the (lr=0.5, β=0.9) cell of a sweep and of the same run as a trajectory."""
    argv = [*SWEEP[:5], "--start", "1,1", "--steps", str(steps), *SWEEP[-4:]]
    out = cli_json(capsys, *argv)
    traj = cli_json(
        capsys,
        *["trajectory", "--expr", "x**2 + y**2", "--optimizer", "momentum", "--start", "1,1"],
        *["--steps", str(steps), "--set", "lr=0.5", "--set", "beta=0.9"],
    )
    assert out["y"][2] == pytest.approx(0.9) and out["x"][0] == pytest.approx(0.5)
    return out["final_loss"][2][0], traj["loss"][-1]


def test_sweep_cell_matches_a_trajectory(capsys):
    # 50 steps is one of the compiled step buckets
    swept, run = _sweep_vs_trajectory(capsys, 50)
    assert swept == pytest.approx(run, rel=1e-4, abs=1e-9)


def test_sweep_final_loss_is_after_the_requested_steps(capsys):
    swept, run = _sweep_vs_trajectory(capsys, 20)
    assert swept == pytest.approx(run, rel=1e-4, abs=1e-9)


def test_sweep_log_axis(capsys):
    argv = [*SWEEP[:-4], "--x", "lr=0.01:1:3:log", "--y", "beta=0:0.9:2"]
    out = cli_json(capsys, *argv)
    assert out["x"] == pytest.approx([0.01, 0.1, 1.0])


# --------------------------------------------------------------------------------------------------
# CSV


def test_trajectory_csv(capsys):
    argv = [*QUAD, "--set", "lr=0.1", "--start", "1,1", "--steps", "5"]
    header, rows = cli_csv(capsys, *argv)
    out = cli_json(capsys, *argv)
    assert header == ["step", "x", "y", "loss", "lr"]
    assert len(rows) == 6
    assert [int(r["step"]) for r in rows] == list(range(6))
    assert [[float(r["x"]), float(r["y"])] for r in rows] == out["points"]
    assert [float(r["loss"]) for r in rows] == out["loss"]
    assert [float(r["lr"]) for r in rows[:-1]] == out["lr"]
    assert rows[-1]["lr"] == ""


def test_schedule_csv(capsys):
    header, rows = cli_csv(
        capsys, "schedule", "--name", "step", "--set", "step_size=2", "--steps", "5"
    )
    assert header == ["step", "lr"]
    assert [int(r["step"]) for r in rows] == list(range(5))
    assert [float(r["lr"]) for r in rows] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])


def test_ewa_csv(capsys):
    header, rows = cli_csv(capsys, "ewa", "--beta", "0.98", "--values", "1,0")
    assert header == ["t", "value", "raw", "corrected"]
    assert [int(r["t"]) for r in rows] == [1, 2]
    assert [float(r["value"]) for r in rows] == [1.0, 0.0]
    assert [float(r["raw"]) for r in rows] == pytest.approx([0.02, 0.0196])
    assert [float(r["corrected"]) for r in rows] == pytest.approx([1.0, 0.0196 / 0.0396])


def test_sweep_csv(capsys):
    header, rows = cli_csv(capsys, *SWEEP)
    out = cli_json(capsys, *SWEEP)
    assert header == ["lr", "beta", "final_loss", "steps_to_tol", "diverged"]
    assert len(rows) == len(out["x"]) * len(out["y"])
    cells = {(float(r["lr"]), float(r["beta"])): r for r in rows}
    for i, y in enumerate(out["y"]):
        for j, x in enumerate(out["x"]):
            row = cells[(x, y)]
            assert float(row["final_loss"]) == pytest.approx(out["final_loss"][i][j])
            assert int(row["steps_to_tol"]) == out["steps_to_tol"][i][j]
            assert row["diverged"] == str(out["diverged"][i][j])


# --------------------------------------------------------------------------------------------------
# bad input: exit code 2, one line on stderr naming the problem

TRAJ = ["trajectory", "--surface", "bowl", "--optimizer", "sgd", "--steps", "3"]
EXPR = ["trajectory", "--optimizer", "sgd", "--steps", "3", "--expr"]
SWEEP_BASE = ["sweep", "--expr", "x**2 + y**2", "--optimizer", "momentum", "--steps", "5"]

BAD_INPUT = [
    (
        "unknown surface",
        ["trajectory", "--surface", "nope", "--optimizer", "sgd", "--steps", "3"],
        "nope",
    ),
    (
        "unknown optimizer",
        ["trajectory", "--surface", "bowl", "--optimizer", "nope", "--steps", "3"],
        "nope",
    ),
    ("unknown schedule", [*TRAJ, "--schedule", "nope"], "nope"),
    ("unknown --set key", [*TRAJ, "--set", "foo=1"], "foo"),
    ("unknown --schedule-set key", [*TRAJ, "--schedule", "step", "--schedule-set", "foo=1"], "foo"),
    ("unknown --surface-set key", [*TRAJ, "--surface-set", "foo=1"], "foo"),
    ("out of range lr", [*TRAJ, "--set", "lr=-1"], "lr"),
    ("out of range surface param", [*TRAJ, "--surface-set", "kappa=0"], "kappa"),
    ("non-numeric lr", [*TRAJ, "--set", "lr=abc"], "abc"),
    ("non-finite lr", [*TRAJ, "--set", "lr=nan"], "lr"),
    ("malformed --set", [*TRAJ, "--set", "lr"], "lr"),
    ("start with one number", [*TRAJ, "--start", "1"], "--start"),
    ("non-numeric start", [*TRAJ, "--start", "a,b"], "--start"),
    ("non-finite start", [*TRAJ, "--start", "nan,1"], "start"),
    ("missing --steps", ["trajectory", "--surface", "bowl", "--optimizer", "sgd"], "--steps"),
    ("missing --optimizer", ["trajectory", "--surface", "bowl", "--steps", "3"], "--optimizer"),
    ("missing surface", ["trajectory", "--optimizer", "sgd", "--steps", "3"], "--surface"),
    ("zero steps", [*TRAJ[:-1], "0"], "steps"),
    ("too many steps", [*TRAJ[:-1], "10000000"], "steps"),
    ("non-integer steps", [*TRAJ[:-1], "2.5"], "--steps"),
    ("caret power", [*EXPR, "x^2"], "column 2"),
    ("dunder import", [*EXPR, "__import__('os')"], "__import__"),
    ("attribute access", [*EXPR, "x.y"], "column 2"),
    ("unknown name in expr", [*EXPR, "x + z"], "z"),
    ("unbalanced expr", [*EXPR, "(x + y"], "column"),
    ("--expr with --surface", [*EXPR, "x**2", "--surface", "bowl"], "--surface"),
    ("--surface-set with --expr", [*EXPR, "x**2", "--surface-set", "kappa=2"], "--surface-set"),
    ("negative weight decay", [*TRAJ, "--weight-decay", "-1"], "weight_decay"),
    ("negative clip norm", [*TRAJ, "--clip-norm", "-1"], "clip_norm"),
    ("negative noise", [*TRAJ, "--noise", "-1"], "noise"),
    ("non-numeric clip value", [*TRAJ, "--clip-value", "big"], "--clip-value"),
    ("ewa beta too large", ["ewa", "--beta", "1.5", "--values", "1,2"], "--beta"),
    ("ewa beta negative", ["ewa", "--beta=-0.1", "--values", "1,2"], "--beta"),
    ("ewa beta one", ["ewa", "--beta", "1", "--values", "1,2"], "--beta"),
    ("ewa non-numeric values", ["ewa", "--beta", "0.5", "--values", "a,b"], "--values"),
    ("ewa empty values", ["ewa", "--beta", "0.5", "--values", ","], "--values"),
    ("schedule unknown name", ["schedule", "--name", "nope", "--steps", "3"], "nope"),
    ("schedule zero steps", ["schedule", "--name", "step", "--steps", "0"], "--steps"),
    (
        "schedule bad param",
        ["schedule", "--name", "step", "--set", "gamma=2", "--steps", "3"],
        "gamma",
    ),
    ("sweep malformed axis", [*SWEEP_BASE, "--x", "lr=bad", "--y", "beta=0:0.9:2"], "--x"),
    ("sweep non-numeric axis", [*SWEEP_BASE, "--x", "lr=a:b:3", "--y", "beta=0:0.9:2"], "--x"),
    ("sweep zero count", [*SWEEP_BASE, "--x", "lr=0.1:1:0", "--y", "beta=0:0.9:2"], "COUNT"),
    ("sweep log axis from 0", [*SWEEP_BASE, "--x", "lr=0:1:3:log", "--y", "beta=0:0.9:2"], "log"),
    ("sweep unknown param", [*SWEEP_BASE, "--x", "foo=0.1:1:3", "--y", "beta=0:0.9:2"], "foo"),
    ("sweep out of range", [*SWEEP_BASE, "--x", "lr=0.1:1:3", "--y", "beta=0:2:2"], "beta"),
    ("sweep same param twice", [*SWEEP_BASE, "--x", "lr=0.1:1:3", "--y", "lr=0.1:1:2"], "lr"),
    ("unknown command", ["frobnicate"], "frobnicate"),
    ("no command", [], "command"),
    ("unknown format", ["optimizers", "--format", "xml"], "xml"),
    ("unknown flag", [*TRAJ, "--bogus"], "--bogus"),
]


@pytest.mark.parametrize(
    ("argv", "needle"), [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input_exits_2_with_one_line(capsys, argv, needle):
    line = cli_bad(capsys, *argv)
    assert needle in line


# --------------------------------------------------------------------------------------------------
# regressions: input that once broke the CLI


@pytest.mark.parametrize(
    "argv",
    [
        [*QUAD, "--start", "-1.5,1", "--steps", "2"],
        ["ewa", "--beta", "0.5", "--values", "-1,2"],
    ],
    ids=["trajectory-start", "ewa-values"],
)
def test_negative_numbers_after_flags(capsys, argv):
    code, _, err = cli(capsys, *argv)
    assert code == 0, err


def test_negative_start_with_equals_sign_works(capsys):
    out = cli_json(capsys, *QUAD, "--start=-1.5,1", "--steps", "2")
    assert out["points"][0] == [-1.5, 1.0]


def test_negative_seed_is_not_an_internal_error(capsys):
    code, _, err = cli(capsys, *QUAD, "--steps", "2", "--noise", "0.1", "--seed", "-1")
    assert code in (0, 2), err
    assert "internal error" not in err


def test_sweep_rejects_non_integer_grid_values(capsys):
    argv = [*SWEEP_BASE[:4], "lbfgs", "--steps", "5", "--x", "lr=0.1:1:2", "--y", "history=1:10:3"]
    cli_bad(capsys, *argv)


# --------------------------------------------------------------------------------------------------
# the module entry point, as a real process


def _run_module(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "optim_lab", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_module_entry_point_prints_one_json_line(tmp_path):
    proc = _run_module(
        *["trajectory", "--expr", "x**2 + 10*y**2", "--optimizer", "adam"],
        *["--start", "1,1", "--steps", "5"],
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0], parse_constant=_no_constants)
    assert set(out) == TRAJECTORY_KEYS
    assert len(out["points"]) == 6 and out["points"][0] == [1.0, 1.0]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        ([*EXPR, "__import__('os')"], "__import__"),
        (["ewa", "--beta", "1.5", "--values", "1,2"], "--beta"),
    ],
    ids=["expr", "ewa-beta"],
)
def test_module_entry_point_bad_input(tmp_path, argv, needle):
    proc = _run_module(*argv, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert needle in lines[0]


def test_a_formula_too_complex_for_newton_is_refused_in_one_line(capsys):
    chain = "x**" * 40 + "y"
    line = cli_bad(capsys, "trajectory", "--expr", chain, "--optimizer", "newton", "--steps", "5")
    assert "formula too complex" in line and "second derivatives" in line
