"""Requests a hostile or careless visitor could make, each refused in one line, in bounded time and
memory.

The command-line reproductions run in a child process under resource limits (3 GB of address space,
two minutes of CPU), so a regression fails the test instead of taking the machine down.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap

import pytest

from optim_lab.cli import main

MEMORY_LIMIT = 3 * 2**30
CPU_LIMIT_S = 120

POWER_CHAIN = "x**" * 166 + "y"  # the longest power chain 500 characters allow
ALTERNATING_CHAIN = "x**y**" * 82 + "x"
WIDE = ",".join(["4096"] * 20)

# (arguments, words of the refusal, most seconds it may take)
REFUSALS = [
    (["search", "--trials", "256", "--hidden", "4096,4096"], "GB of memory", 20),
    (["ensemble", "--members", "32", "--hidden", "4096,4096,4096"], "GB of memory", 20),
    (["gradcheck", "--hidden", "4096,4096", "--points", "5000"], "GB of memory", 20),
    (["train", "--dataset", "spiral", "--hidden", WIDE, "--steps", "1"], "GB of memory", 20),
    (
        [
            "train",
            "--dataset",
            "spiral",
            "--hidden",
            "4096,4096",
            "--optimizer",
            "lbfgs",
            "--steps",
            "1",
        ],
        "GB",
        20,
    ),
    (
        ["trajectory", "--expr", POWER_CHAIN, "--optimizer", "newton", "--steps", "9"],
        "too complex",
        20,
    ),
    (
        ["trajectory", "--expr", ALTERNATING_CHAIN, "--optimizer", "newton", "--steps", "9"],
        "too complex",
        20,
    ),
]

_CHILD = textwrap.dedent(
    """
    import contextlib, io, json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
    resource.setrlimit(resource.RLIMIT_CPU, ({cpu}, {cpu}))
    from optim_lab.cli import main
    results = []
    for argv in json.loads(sys.argv[1]):
        err = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
        results.append([code, err.getvalue(), time.perf_counter() - started])
    print(json.dumps(results))
    """
)


@pytest.mark.slow
def test_oversized_requests_are_refused_within_limits():
    child = _CHILD.format(memory=MEMORY_LIMIT, cpu=CPU_LIMIT_S)
    proc = subprocess.run(
        [sys.executable, "-c", child, json.dumps([argv for argv, _, _ in REFUSALS])],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout.splitlines()[-1])
    for (argv, words, seconds), (code, err, took) in zip(REFUSALS, results, strict=True):
        assert code == 2, (argv[:3], err)
        lines = err.splitlines()
        assert len(lines) == 1 and words in lines[0], (argv[:3], err)
        assert took < seconds, (argv[:3], took)


def _one_line_error(capsys, *argv: str) -> str:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert len(captured.err.splitlines()) == 1, captured.err
    return captured.err


def test_a_formula_may_start_with_a_minus_sign(capsys):
    assert main(["trajectory", "--expr", "-x**2", "--optimizer", "sgd", "--steps", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["points"][0] == [-1.8, 1.5]


def test_an_overflow_prints_no_warnings(capsys):
    line = _one_line_error(
        capsys, "trajectory", "--expr", "1e308**2", "--optimizer", "sgd", "--steps", "2"
    )
    assert "loss at the start" in line and "is inf" in line


def test_a_start_beyond_float32_is_named_as_given(capsys):
    argv = ["trajectory", "--surface", "bowl", "--optimizer", "sgd", "--steps", "2"]
    argv += ["--start", "-1e308,-1e308"]
    line = _one_line_error(capsys, *argv)
    assert "got -1e+308, -1e+308" in line and "inf" not in line


@pytest.mark.parametrize(
    ("option", "words"),
    [
        (["--tol", "nan"], "tol must be a finite number"),
        (["--tol", "-5"], "tol must be a finite number"),
        (["--x", "lr=nan:1:4"], "--x: MIN and MAX must be finite numbers"),
    ],
)
def test_sweep_values_are_checked(capsys, option, words):
    base = ["sweep", "--surface", "bowl", "--optimizer", "momentum", "--steps", "5"]
    axes = {"--x": "lr=0.001:1:4:log", "--y": "beta=0:0.5:4"}
    if option[0] in axes:
        axes[option[0]] = option[1]
        option = []
    argv = [*base, *(part for pair in axes.items() for part in pair), *option]
    line = _one_line_error(capsys, *argv)
    assert words in line and "np.float64" not in line


@pytest.mark.parametrize("command", ["trajectory", "train", "search", "ensemble", "transfer"])
def test_a_negative_seed_names_the_option(capsys, command):
    extra = ["--surface", "bowl", "--optimizer", "sgd"] if command == "trajectory" else []
    line = _one_line_error(capsys, command, *extra, "--seed", "-3")
    assert "argument --seed: expected a whole number ≥ 0, got -3" in line


def test_the_child_limits_are_real():
    """The limits above are set before anything is imported: a child asking for more fails."""
    child = (
        "import resource; "
        f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT})); "
        "b = bytearray(4 * 2**30)"
    )
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
    assert proc.returncode != 0 and "MemoryError" in proc.stderr
    assert resource.getrlimit(resource.RLIMIT_AS)[0] != MEMORY_LIMIT  # this process is untouched
