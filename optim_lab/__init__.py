"""optim-lab: see how neural networks are trained (JAX core; Streamlit pages live in ``pages/``)."""

from . import config  # noqa: F401  (first: sets XLA's flags before JAX computes anything)
from .ewa import bias_correct, effective_window, ewa_series, ewa_update, lag_weight, worked_example
from .lr_finder import LRFinderResult, lr_range_test
from .optimizers import OPTIMIZERS, Optimizer, make_optimizer
from .schedules import SCHEDULES, schedule_values
from .surfaces import SURFACES, evaluate_grid, surface_from_expr
from .sweep import SweepResult, sweep
from .trajectory import RunSpec, Trajectory, run, run_many
from .transforms import Modifiers, apply_modifiers

__all__ = [
    "OPTIMIZERS",
    "SCHEDULES",
    "SURFACES",
    "LRFinderResult",
    "Modifiers",
    "Optimizer",
    "RunSpec",
    "SweepResult",
    "Trajectory",
    "apply_modifiers",
    "bias_correct",
    "effective_window",
    "evaluate_grid",
    "ewa_series",
    "ewa_update",
    "lag_weight",
    "lr_range_test",
    "make_optimizer",
    "run",
    "run_many",
    "schedule_values",
    "surface_from_expr",
    "sweep",
    "worked_example",
]
