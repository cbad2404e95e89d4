"""The headless twin of the app: ``python -m optim_lab`` / ``optim-lab``.

Every subcommand prints one JSON object (``--format json``, the default) or a CSV table
(``--format csv``); ``trajectory`` and ``train`` also print the run as a standalone script
(``--format optax`` or ``--format torch``, see :mod:`optim_lab.code_export`). Bad input exits with
code 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

EXIT_BAD_INPUT = 2


class CliError(ValueError):
    """Bad command-line input; printed as one line, exit code 2."""


def seed_number(text: str) -> int:
    """An argparse type: a whole number ≥ 0 (argparse names the option in its message)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0, got {value}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors as one line (no usage block) with exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise CliError(message)


# --------------------------------------------------------------------------------------------------
# argument helpers


def _floats(text: str, count: int | None = None, what: str = "values") -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip() != ""]
    except ValueError:
        raise CliError(f"{what} must be comma-separated numbers, got {text!r}") from None
    if not all(math.isfinite(v) for v in values):
        raise CliError(f"{what} must be finite numbers, got {text!r}")
    if count is not None and len(values) != count:
        raise CliError(f"{what} needs {count} comma-separated numbers, got {text!r}")
    if not values:
        raise CliError(f"{what} is empty")
    return values


def _assignments(items: list[str] | None) -> dict[str, str]:
    from .registry import parse_assignments

    return parse_assignments(items)


def _add_surface_args(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--surface", help="registry name (see `optim-lab surfaces`)")
    group.add_argument("--expr", help="a formula in x and y, e.g. 'x**2 + 10*y**2'")
    p.add_argument("--surface-set", action="append", metavar="K=V", help="surface parameter")


def _add_run_args(p: argparse.ArgumentParser) -> None:
    _add_surface_args(p)
    p.add_argument("--optimizer", required=True)
    p.add_argument("--set", action="append", metavar="K=V", help="optimizer hyper-parameter")
    p.add_argument("--start", help="x,y (default: the surface's suggested start)")
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--weight-decay", type=float, default=0.0, help="coupled L2 weight decay")
    p.add_argument("--clip-norm", type=float, default=0.0)
    p.add_argument("--clip-value", type=float, default=0.0)
    p.add_argument("--schedule", default="constant")
    p.add_argument("--schedule-set", action="append", metavar="K=V", help="schedule parameter")
    p.add_argument("--noise", type=float, default=0.0, help="std of Gaussian gradient noise")
    p.add_argument("--l1", type=float, default=0.0, help="coupled L1 penalty: adds λ₁·sign(θ)")
    p.add_argument(
        "--decoupled-decay", type=float, default=0.0, help="AdamW's decay, for any optimizer"
    )
    p.add_argument("--seed", type=seed_number, default=0)


def _surface(args):
    from .surfaces import SURFACES, surface_from_expr

    if args.expr is not None:
        if args.surface_set:
            raise CliError("--surface-set applies to a registry surface, not to --expr")
        return surface_from_expr(args.expr), {}
    return SURFACES[args.surface], _assignments(args.surface_set)


def _run_spec(args):
    from .trajectory import RunSpec

    return RunSpec(
        optimizer=args.optimizer,
        hparams=_assignments(args.set),
        schedule=args.schedule,
        schedule_params=_assignments(args.schedule_set),
        modifiers={
            "weight_decay": args.weight_decay,
            "clip_norm": args.clip_norm,
            "clip_value": args.clip_value,
            "noise": args.noise,
            "l1": args.l1,
            "decoupled_decay": args.decoupled_decay,
        },
        seed=args.seed,
    )


def _start(args, surface) -> list[float]:
    return _floats(args.start, 2, "--start") if args.start else list(surface.start)


# --------------------------------------------------------------------------------------------------
# subcommands: each returns (json object, csv rows)

Result = tuple[dict[str, Any], list[dict[str, Any]]]


def cmd_trajectory(args) -> Result:
    from .trajectory import run

    surface, surface_params = _surface(args)
    spec = _run_spec(args)
    traj = run(surface, spec, _start(args, surface), args.steps, surface_params, details=False)
    out = traj.to_dict()
    rows = [
        {"step": t, "x": x, "y": y, "loss": loss, "lr": out["lr"][t] if t < args.steps else ""}
        for t, ((x, y), loss) in enumerate(zip(out["points"], out["loss"], strict=True))
    ]
    return out, rows


def script_trajectory(args, library: str) -> str:
    from .code_export import trajectory_script

    surface, surface_params = _surface(args)
    start = _start(args, surface)
    return trajectory_script(library, surface, _run_spec(args), start, args.steps, surface_params)


def cmd_schedule(args) -> Result:
    from .schedules import schedule_values

    if not 1 <= args.steps <= 1_000_000:
        raise CliError(f"--steps must be between 1 and 1000000, got {args.steps}")
    from .trajectory import plain_floats

    lr = plain_floats(schedule_values(args.name, _assignments(args.set), args.steps))
    return {"lr": lr}, [{"step": t, "lr": v} for t, v in enumerate(lr)]


def cmd_ewa(args) -> Result:
    from .ewa import ewa_series

    if not 0.0 <= args.beta < 1.0:
        raise CliError(f"--beta must be in [0, 1), got {args.beta}")
    values = _floats(args.values, what="--values")
    raw, corrected = ewa_series(values, args.beta)
    out = {"raw": raw.tolist(), "corrected": corrected.tolist()}
    rows = [
        {"t": t + 1, "value": v, "raw": r, "corrected": c}
        for t, (v, r, c) in enumerate(zip(values, out["raw"], out["corrected"], strict=True))
    ]
    return out, rows


def _registry_listing(registry, extra: Callable[[Any], dict] | None = None) -> Result:
    entries = []
    rows = []
    for entry in registry:
        item = entry.as_dict() | (extra(entry) if extra else {})
        entries.append(item)
        for param in item["params"] or [
            {"name": "", "default": "", "min": "", "max": "", "log": ""}
        ]:
            rows.append(
                {
                    "name": entry.name,
                    "label": entry.label,
                    "param": param["name"],
                    "default": param["default"],
                    "min": param["min"],
                    "max": param["max"],
                    "log": param["log"],
                }
            )
    return {registry.kind + "s": entries}, rows


def cmd_optimizers(args) -> Result:
    from .optimizers import OPTIMIZERS

    return _registry_listing(OPTIMIZERS)


def cmd_schedules(args) -> Result:
    from .schedules import SCHEDULES

    return _registry_listing(SCHEDULES)


def cmd_surfaces(args) -> Result:
    from .surfaces import SURFACES

    return _registry_listing(
        SURFACES,
        lambda e: {
            "domain": [list(r) for r in e.domain],
            "minima": [list(m) for m in e.minima],
            "start": list(e.start),
            "stochastic": e.minibatch_fn is not None,
        },
    )


def _axis(text: str, flag: str) -> tuple[str, list[float]]:
    """``NAME=MIN:MAX:COUNT[:log]`` → (name, values)."""
    import numpy as np

    name, sep, spec = text.partition("=")
    parts = spec.split(":")
    if not sep or len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] != "log"):
        raise CliError(f"{flag} must look like NAME=MIN:MAX:COUNT[:log], got {text!r}")
    try:
        low, high, count = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise CliError(
            f"{flag}: MIN and MAX must be numbers and COUNT a whole number: {text!r}"
        ) from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise CliError(f"{flag}: MIN and MAX must be finite numbers, got {text!r}")
    if not 1 <= count <= 256:
        raise CliError(f"{flag}: COUNT must be between 1 and 256, got {count}")
    if len(parts) == 4:
        if low <= 0 or high <= 0:
            raise CliError(f"{flag}: a log axis needs MIN and MAX > 0")
        return name.strip(), np.geomspace(low, high, count).tolist()
    return name.strip(), np.linspace(low, high, count).tolist()


def cmd_sweep(args) -> Result:
    from .sweep import sweep

    surface, surface_params = _surface(args)
    x_name, xs = _axis(args.x, "--x")
    y_name, ys = _axis(args.y, "--y")
    res = sweep(
        surface,
        _run_spec(args),
        x_name,
        xs,
        y_name,
        ys,
        _start(args, surface),
        args.steps,
        surface_params,
        tol=args.tol,
    )
    out = {
        "x_name": x_name,
        "x": res.x_values.tolist(),
        "y_name": y_name,
        "y": res.y_values.tolist(),
        "final_loss": res.final_loss.tolist(),
        "steps_to_tol": res.steps_to_tol.tolist(),
        "diverged": res.diverged.tolist(),
    }
    rows = [
        {
            x_name: x,
            y_name: y,
            "final_loss": res.final_loss[i, j],
            "steps_to_tol": int(res.steps_to_tol[i, j]),
            "diverged": bool(res.diverged[i, j]),
        }
        for i, y in enumerate(ys)
        for j, x in enumerate(xs)
    ]
    return out, rows


# --------------------------------------------------------------------------------------------------


# --format values that print the run as a script (``trajectory`` and ``train`` only)
SCRIPT_FORMATS = ("optax", "torch")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--format",
        choices=["json", "csv", *SCRIPT_FORMATS],
        default=argparse.SUPPRESS,
        help="json, csv, or (trajectory, train) the run as an optax or PyTorch script",
    )
    common.add_argument(
        "--x64", action="store_true", default=argparse.SUPPRESS, help="compute in float64"
    )
    parser = _Parser(prog="optim-lab", description=__doc__.splitlines()[0], parents=[common])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, parents=[common])
        p.set_defaults(handler=handler)
        return p

    p = add("trajectory", cmd_trajectory, "one optimization run on a 2D surface")
    _add_run_args(p)
    p.set_defaults(script=script_trajectory)
    p = add("schedule", cmd_schedule, "a learning-rate schedule's values")
    p.add_argument("--name", required=True)
    p.add_argument("--set", action="append", metavar="K=V")
    p.add_argument("--steps", type=int, required=True)
    p = add("ewa", cmd_ewa, "exponentially weighted average with bias correction")
    p.add_argument("--beta", type=float, required=True)
    p.add_argument("--values", required=True, help="v1,v2,...")
    add("optimizers", cmd_optimizers, "the optimizer registry")
    add("surfaces", cmd_surfaces, "the surface registry")
    add("schedules", cmd_schedules, "the schedule registry")
    p = add("sweep", cmd_sweep, "final loss over a 2-D hyper-parameter grid")
    _add_run_args(p)
    p.add_argument("--x", required=True, help="NAME=MIN:MAX:COUNT[:log], e.g. lr=1e-3:1:32:log")
    p.add_argument("--y", required=True, help="NAME=MIN:MAX:COUNT[:log], e.g. beta=0:0.99:16")
    p.add_argument("--tol", type=float, default=1e-3, help="loss tolerance above the minimum")
    _register_mlp_commands(sub, common)
    return parser


def _register_mlp_commands(sub, common) -> None:
    """Subcommands of the MLP lab (they return a JSON object; CSV rows are derived from it)."""
    from .nn.commands import register

    register(sub, parents=[common])
    sub.choices["train"].set_defaults(script=_script_train)


def _script_train(args, library: str) -> str:
    from .nn.code_export import train_script
    from .nn.commands import config_from_args

    return train_script(library, config_from_args(args), args.steps)


def _rows_from_object(out: dict[str, Any]) -> list[dict[str, Any]]:
    """CSV rows for a JSON object: one row per index of its equal-length lists, scalars repeated."""
    lists = {k: v for k, v in out.items() if isinstance(v, list)}
    scalars = {k: v for k, v in out.items() if not isinstance(v, list | dict)}
    length = max((len(v) for v in lists.values()), default=0)
    if not length:
        return [scalars]
    return [
        {"index": i, **{k: (v[i] if i < len(v) else "") for k, v in lists.items()}, **scalars}
        for i in range(length)
    ]


def _write_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()


# Options whose value may start with a minus sign ("--start -1.5,2", "--expr -x**2"), which argparse would take for
# an option name.
_VALUE_OPTIONS = ("--start", "--values", "--expr")


def _join_negative_values(argv: Sequence[str]) -> list[str]:
    out: list[str] = []
    for token in argv:
        if out and out[-1] in _VALUE_OPTIONS and token.startswith("-"):
            out[-1] = f"{out[-1]}={token}"
        else:
            out.append(token)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(
            _join_negative_values(sys.argv[1:] if argv is None else argv)
        )
        from .config import enable_compile_cache, set_x64

        set_x64(getattr(args, "x64", False))
        enable_compile_cache()
        output = getattr(args, "format", "json")
        if output in SCRIPT_FORMATS:
            if getattr(args, "script", None) is None:
                raise CliError(f"--format {output} applies to trajectory and train only")
            sys.stdout.write(args.script(args, output))
            return 0
        with warnings.catch_warnings():
            # an overflow shows in the result (inf, a divergence) or as the one-line error
            warnings.filterwarnings("ignore", "overflow encountered", RuntimeWarning)
            warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
            result = args.handler(args)
        out, rows = result if isinstance(result, tuple) else (result, _rows_from_object(result))
        text = _write_csv(rows) if output == "csv" else json.dumps(out, allow_nan=False) + "\n"
    except (CliError, ValueError) as error:
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"optim-lab: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # a bug, not bad input: still one line, no traceback
        print(f"optim-lab: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
