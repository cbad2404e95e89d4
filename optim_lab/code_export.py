r"""Copy a run as code: standalone optax and PyTorch scripts that reproduce a 2-D run.

:func:`trajectory_script` writes one run on a surface (a registry surface or a user formula) as a
short script that needs only NumPy + JAX + optax, or NumPy + PyTorch, computes in float64 and
prints the JSON that ``optim-lab trajectory … --x64 --format json`` prints for the same run:
``{"points", "loss", "lr", "diverged_at"}``.

The app's conventions are translated, not copied (each translation is commented in the script):

- momentum in EWA form is ``optax.ema(β, debias=False)``, and PyTorch's ``SGD(momentum=β)`` (the
  classic form) at the rate α(1 − β);
- RMSprop's β₂ is optax's ``decay`` and PyTorch's ``alpha``; ε outside the root;
- coupled weight decay λ is ``optax.add_decayed_weights(λ)`` and PyTorch's ``weight_decay=λ``:
  the gradient of the penalty (λ/2)‖θ‖²;
- Nesterov is PyTorch's form, which is also optax's ``nesterov=True``;
- Adadelta's rate multiplies the step, as PyTorch's ``lr`` (Zeiler's paper has none: α = 1);
- clipping by norm is written out in PyTorch: ``clip_grad_norm_`` divides by ‖g‖ + 10⁻⁶;
- a reduce-on-plateau schedule watches the loss after each step.

What a library cannot do exactly raises :class:`NotExpressible`, a ``ValueError`` whose message
names what is missing (the UI shows it as "not available for this run, because …"): the second-order
methods, Lion in PyTorch, Adam without bias correction, JAX's random numbers in PyTorch (gradient
noise, minibatches), and schedules a library has no exact form of.

User formulas are written from their parsed (whitelisted) syntax tree, never from the text itself,
so whatever else the text held (a comment, say) never reaches the script.
"""

from __future__ import annotations

import ast
import math
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .expr import CONSTANTS, integer_exponent, parse_expression
from .optimizers import OPTIMIZERS
from .schedules import SCHEDULES
from .surfaces import (
    _LSQ_INDEX_BITS,
    _WELL_WIDTH,
    _WELLS,
    LSQ_MAX_POINTS,
    LSQ_TRUE_B,
    LSQ_TRUE_W,
    SURFACES,
    SurfaceEntry,
    surface_from_expr,
)
from .trajectory import LOSS_BOUND, PARAM_BOUND, RunSpec, step_bucket
from .transforms import MODIFIER_PARAMS

LIBRARIES = ("optax", "torch")
LIBRARY_LABELS = {"optax": "optax", "torch": "PyTorch"}
FILE_SUFFIX = {"optax": "optax", "torch": "torch"}
EXPR_PREFIX = "expr:"
# The seed of the least-squares data (optim_lab.surfaces draws its data from it).
LSQ_DATA_SEED = 20240611


class NotExpressible(ValueError):
    """This run cannot be written faithfully for that library; the message says what is missing."""


def check_library(library: str) -> str:
    if library not in LIBRARIES:
        raise ValueError(f"library must be one of {', '.join(LIBRARIES)}, got {library!r}")
    return library


# ------------------------------------------------------------------------------------------------
# Numbers and formulas as code


def number(value: Any) -> str:
    """A float as Python source (``0.1``, ``1e-08``, ``math.inf``)."""
    value = float(value)
    if math.isnan(value):
        return 'float("nan")'
    if math.isinf(value):
        return "math.inf" if value > 0 else "-math.inf"
    return repr(value)


def whole(value: Any) -> str:
    return str(round(float(value)))


@dataclass(frozen=True)
class Lib:
    """How one library spells what a formula needs."""

    name: str
    functions: Mapping[str, str]  # formula function → callable in the script
    scalar: str  # wraps a plain number into a float64 array (for /, ** and function calls)
    wrap_constant_args: bool  # PyTorch's functions take tensors only

    def call(self, function: str, args: list[str]) -> str:
        template = self.functions[function]
        return template.format(*args)


JAX = Lib(
    "jax",
    {
        **{f: f"jnp.{f}({{0}})" for f in ("exp", "log", "log2", "log10", "log1p", "sqrt", "abs")},
        **{f: f"jnp.{f}({{0}})" for f in ("sign", "sin", "cos", "tan", "sinh", "cosh", "tanh")},
        **{f: f"jnp.{f}({{0}})" for f in ("arcsin", "arccos", "arctan")},
        "asin": "jnp.arcsin({0})",
        "acos": "jnp.arccos({0})",
        "atan": "jnp.arctan({0})",
        "sigmoid": "jax.nn.sigmoid({0})",
        "softplus": "jax.nn.softplus({0})",
        "relu": "jnp.maximum({0}, 0.0)",
        "min": "jnp.minimum({0}, {1})",
        "max": "jnp.maximum({0}, {1})",
        "pow": "jnp.power({0}, {1})",
        "atan2": "jnp.arctan2({0}, {1})",
        "arctan2": "jnp.arctan2({0}, {1})",
    },
    "jnp.float64({})",
    False,
)
TORCH = Lib(
    "torch",
    {
        **{f: f"torch.{f}({{0}})" for f in ("exp", "log", "log2", "log10", "log1p", "sqrt", "abs")},
        **{f: f"torch.{f}({{0}})" for f in ("sign", "sin", "cos", "tan", "sinh", "cosh", "tanh")},
        **{f: f"torch.{f}({{0}})" for f in ("arcsin", "arccos", "arctan")},
        "asin": "torch.arcsin({0})",
        "acos": "torch.arccos({0})",
        "atan": "torch.arctan({0})",
        "sigmoid": "torch.sigmoid({0})",
        # softplus(z) = log(1 + e^z), exactly as JAX computes it (PyTorch's own turns linear at 20)
        "softplus": "torch.logaddexp({0}, torch.zeros_like({0}))",
        "relu": "torch.maximum({0}, torch.zeros_like({0}))",
        "min": "torch.minimum({0}, {1})",
        "max": "torch.maximum({0}, {1})",
        "pow": "torch.pow({0}, {1})",
        "atan2": "torch.atan2({0}, {1})",
        "arctan2": "torch.atan2({0}, {1})",
    },
    "torch.tensor({})",
    True,
)

# Binding strength of generated code: an operand binding less tightly than its place needs
# parentheses (and one binding as tightly, on the side Python groups the other way).
_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = 1, 2, 3, 4, 5
_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


def _is_plain_number(node: ast.AST) -> bool:
    """Whether a formula node evaluates to a plain Python float in the app (no variable, no call,
    no power): in a script such a value must not meet / or ** as a Python float, which raises
    where the app's arrays give inf or NaN."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in CONSTANTS
    if isinstance(node, ast.UnaryOp):
        return _is_plain_number(node.operand)
    if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Pow):
        return _is_plain_number(node.left) and _is_plain_number(node.right)
    return False


def _uses_variables(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id in ("x", "y") for n in ast.walk(node))


def _code(node: ast.AST, lib: Lib) -> tuple[str, int]:
    """Source of a validated formula node for ``lib`` and its binding strength."""
    if isinstance(node, ast.Expression):
        return _code(node.body, lib)
    if isinstance(node, ast.Constant):
        try:
            return number(node.value), _ATOM
        except OverflowError:  # an integer literal beyond float range: the app reads inf
            return "math.inf", _ATOM
    if isinstance(node, ast.Name):
        return (node.id if node.id in ("x", "y") else f"math.{node.id}"), _ATOM
    if isinstance(node, ast.UnaryOp):
        inner, strength = _code(node.operand, lib)
        if isinstance(node.op, ast.UAdd):
            return inner, strength
        return "-" + (f"({inner})" if strength <= _UNARY else inner), _UNARY
    if isinstance(node, ast.BinOp):
        op = type(node.op)
        if op is ast.Pow:
            exponent = integer_exponent(node.right)
            left, ls = _code(node.left, lib)
            if _is_plain_number(node.left):
                left, ls = lib.scalar.format(left), _ATOM
            if exponent is not None:
                right, rs = str(exponent), _ATOM if exponent >= 0 else _UNARY
            else:
                right, rs = _code(node.right, lib)
            left = f"({left})" if ls <= _POWER else left
            right = f"({right})" if rs < _UNARY else right
            return f"{left} ** {right}", _POWER
        level = _SUM if op in (ast.Add, ast.Sub) else _PRODUCT
        left, ls = _code(node.left, lib)
        right, rs = _code(node.right, lib)
        if op is ast.Div and _is_plain_number(node.left) and _is_plain_number(node.right):
            left, ls = lib.scalar.format(left), _ATOM
        left = f"({left})" if ls < level else left
        right = f"({right})" if rs <= level else right
        return f"{left} {_SYMBOLS[op]} {right}", level
    if isinstance(node, ast.Call):
        args = []
        for arg in node.args:
            text, _ = _code(arg, lib)
            if lib.wrap_constant_args and not _uses_variables(arg) and _is_plain_number(arg):
                text = lib.scalar.format(text)
            args.append(text)
        return lib.call(node.func.id, args), _ATOM  # type: ignore[attr-defined]
    raise ValueError(f"cannot write {type(node).__name__}")  # unreachable after validation


def _formula_tree(text: str) -> ast.Expression:
    """The formula's syntax tree, after the app's own validation (raises its ExpressionError)."""
    parse_expression(text)
    normalized = "".join(" " if c in "\t\n\r\f\v" else c for c in text)
    return ast.parse(normalized.strip(), mode="eval")


def formula_code(text: str, library: str) -> str:
    """The formula as an expression in ``x`` and ``y`` for ``library`` (``optax``: jax.numpy,
    ``torch``: torch), the same operations as the app evaluates."""
    tree = _formula_tree(text)
    code, _ = _code(tree, JAX if check_library(library) == "optax" else TORCH)
    if not _uses_variables(tree):  # a constant: still a function of θ, with gradient 0
        code = f"{code} + 0.0 * x"
    return code


def formula_text(text: str) -> str:
    """The formula as the parser read it (comments and spacing dropped): safe to show in a script."""
    return ast.unparse(_formula_tree(text))


# ------------------------------------------------------------------------------------------------
# Surfaces


@dataclass(frozen=True)
class SurfaceSource:
    """A surface as script code.

    Attributes:
        title: what the script says it is.
        lines: constants and ``def loss_fn(xy)`` (and ``minibatch_loss(xy, key)`` for optax).
        minibatch: the gradient comes from random minibatches (optax: ``minibatch_loss``).
        needs: modules the lines use beyond the library (``math``, ``numpy``).
        cli: the surface's ``optim-lab trajectory`` arguments.
    """

    title: str
    lines: tuple[str, ...]
    minibatch: bool
    needs: frozenset[str]
    cli: tuple[str, ...]


def _fn(doc: str, body: Sequence[str], name: str = "loss_fn", args: str = "xy") -> list[str]:
    return [f"def {name}({args}):", f'    """{doc}"""', *(f"    {line}" for line in body)]


def _lib_prefix(library: str) -> str:
    return "jnp" if library == "optax" else "torch"


def _registry_surface(entry: SurfaceEntry, p: Mapping[str, Any], library: str) -> SurfaceSource:
    lib = _lib_prefix(library)
    name = entry.name
    needs: set[str] = set()
    xy = ["x, y = xy[0], xy[1]"]
    if name == "bowl":
        needs.add("math")
        consts = [
            f"KAPPA = {number(p['kappa'])}  # condition number κ",
            f"ANGLE = {number(p['angle'])}  # rotation φ in degrees",
        ]
        body = [
            *xy,
            "phi = ANGLE * (math.pi / 180.0)",
            "c, s = math.cos(phi), math.sin(phi)",
            "u, v = c * x + s * y, -s * x + c * y",
            "return 0.5 * (u**2 + KAPPA * v**2) / KAPPA",
        ]
        doc = "f = (u² + κv²)/(2κ), (u, v) = (x, y) rotated by φ."
    elif name == "saddle":
        consts, body, doc = [], [*xy, "return x**2 - y**2"], "f = x² − y²."
    elif name == "monkey_saddle":
        consts, body, doc = [], [*xy, "return x**3 - 3.0 * x * y**2"], "f = x³ − 3xy²."
    elif name == "plateau":
        consts = [f"WIDTH = {number(p['width'])}  # basin width w"]
        body = [*xy, f"return 1.0 - {lib}.exp(-(x**2 + y**2) / (2.0 * WIDTH**2))"]
        doc = "f = 1 − exp(−(x² + y²)/(2w²))."
    elif name == "cliff":
        consts = [f"STEEPNESS = {number(p['steepness'])}  # slope h of the wall at x = 1"]
        softplus = (
            "jax.nn.softplus(1000.0 * (x - 1.0))"
            if library == "optax"
            else "torch.logaddexp(1000.0 * (x - 1.0), torch.zeros_like(x))"
        )
        body = [*xy, f"return 0.1 * (x - 3.0) ** 2 + 0.5 * y**2 + STEEPNESS / 1000.0 * {softplus}"]
        doc = "f = (x − 3)²/10 + y²/2 + (h/k)·softplus(k(x − 1)), k = 1000."
    elif name == "local_minima":
        wells = ", ".join("[" + ", ".join(number(v) for v in row) + "]" for row in _WELLS)
        array = "jnp.array" if library == "optax" else "torch.tensor"
        consts = [
            f"DEPTH = {number(p['depth'])}  # scales every well's depth",
            f"WELLS = {array}([{wells}])  # (x, y, depth) of each well, the deepest first",
        ]
        body = [
            *xy,
            "d2 = (x - WELLS[:, 0]) ** 2 + (y - WELLS[:, 1]) ** 2",
            "depth = DEPTH * WELLS[:, 2]",
            f"wells = {lib}.sum(depth * {lib}.exp(-d2 / (2.0 * {number(_WELL_WIDTH)}**2)))",
            "return 0.1 * (x**2 + y**2) - wells",
        ]
        doc = "f = (x² + y²)/10 − Σ sᵢ exp(−‖p − cᵢ‖²/(2σ²)), σ = 0.6."
    elif name == "rosenbrock":
        consts = [f"A = {number(p['a'])}", f"B = {number(p['b'])}"]
        body = [*xy, "return (A - x) ** 2 + B * (y - x**2) ** 2"]
        doc = "f = (a − x)² + b(y − x²)², minimum (a, a²)."
    elif name == "himmelblau":
        consts = []
        body = [*xy, "return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2"]
        doc = "f = (x² + y − 11)² + (x + y² − 7)²."
    elif name == "beale":
        consts = []
        body = [
            *xy,
            "return (",
            "    (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2",
            ")",
        ]
        doc = "f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²."
    elif name == "rastrigin":
        needs.add("math")
        consts = [f"A = {number(p['A'])}  # ripple amplitude"]
        body = [f"return 2.0 * A + {lib}.sum(xy**2 - A * {lib}.cos(2.0 * math.pi * xy))"]
        doc = "f = 2A + Σ (z² − A cos 2πz) over z = x, y."
    elif name == "least_squares":
        return _least_squares(p, library)
    else:
        raise NotExpressible(f"the surface {entry.label!r} has no code form yet")
    cli = ["--surface", name, *_surface_set(entry, p)]
    lines = [*consts, *([""] if consts else []), "", *_fn(doc, body)]
    return SurfaceSource(entry.label, tuple(lines), False, frozenset(needs), tuple(cli))


def _least_squares(p: Mapping[str, Any], library: str) -> SurfaceSource:
    n = int(np.clip(round(float(p["n_points"])), 1, LSQ_MAX_POINTS))
    batch = int(np.clip(round(float(p["batch_size"])), 1, LSQ_MAX_POINTS))
    minibatch = batch < n
    lib = _lib_prefix(library)
    to_array = "jnp.asarray" if library == "optax" else "torch.tensor"
    if minibatch and library == "torch":
        raise NotExpressible(
            "PyTorch cannot draw the app's minibatches (they come from JAX's random numbers): "
            f"use a batch size of at least {n} (the full data set) or the optax script"
        )
    lines = [
        f"N_POINTS = {n}",
        f"LABEL_NOISE = {number(p['noise'])}  # σ of the noise on the labels",
        *([f"BATCH_SIZE = {batch}"] if minibatch else []),
        "",
        f"# The data: y = {number(LSQ_TRUE_W)}x + {number(LSQ_TRUE_B)} + σε with x uniform on [0, 3], "
        "the app's own draw",
        f"rng = np.random.default_rng({LSQ_DATA_SEED})",
        f"X_ALL = rng.uniform(0.0, 3.0, {LSQ_MAX_POINTS})",
        f"EPS_ALL = rng.standard_normal({LSQ_MAX_POINTS})",
        f"X = {to_array}(X_ALL[:N_POINTS])",
        f"Y = {number(LSQ_TRUE_W)} * X + {number(LSQ_TRUE_B)} + LABEL_NOISE * {to_array}(EPS_ALL[:N_POINTS])",
        "",
        "",
        *_fn(
            "Mean squared error of the line w·x + b over the data set (xy = (w, b)).",
            [f"return {lib}.mean((xy[0] * X + xy[1] - Y) ** 2)"],
        ),
    ]
    if minibatch:
        lines += [
            "",
            "",
            *_fn(
                "The same on BATCH_SIZE distinct points drawn uniformly among the data (the app's "
                "draw: the points with the smallest random scores).",
                [
                    "# a score: 23 random bits above the point's index (no two are equal)",
                    f"index = jnp.arange({LSQ_MAX_POINTS}, dtype=jnp.uint32)",
                    f"bits = jax.random.bits(key, ({LSQ_MAX_POINTS},), jnp.uint32)",
                    f"scores = (bits & ~jnp.uint32({int(_LSQ_INDEX_BITS)})) | index",
                    "scores = jnp.where(index < N_POINTS, scores, jnp.uint32(0xFFFFFFFF))",
                    "in_batch = (scores <= jnp.sort(scores)[BATCH_SIZE - 1])[:N_POINTS]",
                    "squares = (xy[0] * X + xy[1] - Y) ** 2",
                    "return jnp.sum(jnp.where(in_batch, squares, 0.0)) / jnp.sum(in_batch)",
                ],
                "minibatch_loss",
                "xy, key",
            ),
        ]
    cli = ["--surface", "least_squares", *_surface_set(SURFACES["least_squares"], p)]
    return SurfaceSource(
        SURFACES["least_squares"].label, tuple(lines), minibatch, frozenset({"numpy"}), tuple(cli)
    )


def _formula_surface(text: str, library: str) -> SurfaceSource:
    shown = formula_text(text)
    lines = _fn(f"f = {shown}", ["x, y = xy[0], xy[1]", f"return {formula_code(text, library)}"])
    needs = {"math"} if "math." in "\n".join(lines) else set()
    return SurfaceSource(
        f"your formula f = {shown}",
        ("", *lines),
        False,
        frozenset(needs),
        ("--expr=" + shlex.quote(shown),),
    )


def resolve_surface(surface: str | SurfaceEntry) -> SurfaceEntry:
    """A surface from a registry name, ``expr:<formula>`` or an entry."""
    if isinstance(surface, SurfaceEntry):
        return surface
    if surface.startswith(EXPR_PREFIX):
        return surface_from_expr(surface[len(EXPR_PREFIX) :])
    return SURFACES[surface]


def surface_source(
    surface: str | SurfaceEntry, surface_params: Mapping[str, Any] | None, library: str
) -> SurfaceSource:
    """The surface's loss (and minibatch loss) as ``library`` code."""
    entry = resolve_surface(surface)
    fn_text = getattr(entry.fn, "text", None)
    if fn_text is not None:
        return _formula_surface(fn_text, library)
    if entry.name not in SURFACES or SURFACES[entry.name] != entry:
        raise NotExpressible(f"the surface {entry.label!r} has no code form")
    return _registry_surface(entry, entry.resolve(surface_params), library)


def _surface_set(entry: SurfaceEntry, p: Mapping[str, Any]) -> list[str]:
    defaults = entry.defaults()
    return [f"--surface-set={k}={_cli_value(v)}" for k, v in p.items() if v != defaults[k]]


def _cli_value(value: Any) -> str:
    if isinstance(value, tuple | list):
        return ",".join(str(int(v)) for v in value)
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


# ------------------------------------------------------------------------------------------------
# Optimizers


def _missing(library: str, what: str) -> NotExpressible:
    return NotExpressible(f"{LIBRARY_LABELS[library]} has {what}")


def optax_optimizer(name: str, hp: Mapping[str, Any], lr: str) -> tuple[list[str], list[str], str]:
    """optax's form of optimizer ``name`` at rate ``lr`` (a name in the script).

    Returns:
        ``(helpers, comments, expression)``: functions the expression needs, comment lines about
        the translation, and the expression building the optimizer.

    Raises:
        NotExpressible: optax has no such rule.
    """
    f = {k: number(v) for k, v in hp.items()}
    if name == "sgd":
        return [], [], f"optax.sgd({lr})"
    if name == "momentum":
        return (
            [],
            [
                "# Momentum in EWA form, v ← βv + (1 − β)g and θ ← θ − αv: an average without bias",
                "# correction (optax.sgd(momentum=β) is the classic form v ← βv + g, PyTorch's).",
            ],
            f"optax.chain(optax.ema(decay={f['beta']}, debias=False), "
            f"optax.scale_by_learning_rate({lr}))",
        )
    if name == "heavy_ball":
        return (
            [],
            ["# Classic momentum v ← ρv + g, θ ← θ − αv."],
            (f"optax.sgd({lr}, momentum={f['rho']})"),
        )
    if name == "nesterov":
        return (
            [],
            ["# Nesterov in PyTorch's form, v ← ρv + g, θ ← θ − α(g + ρv): optax's nesterov=True."],
            f"optax.sgd({lr}, momentum={f['rho']}, nesterov=True)",
        )
    if name == "adagrad":
        helper = [
            "def scale_by_adagrad(eps):",
            '    """AdaGrad as the app (and PyTorch) write it: G ← G + g², step g/(√G + ε), G₀ = 0.',
            '    optax.adagrad divides by √(G + ε) and starts G at 0.1."""',
            "",
            "    def update(grads, sum_sq, params=None):",
            "        sum_sq = sum_sq + grads**2",
            "        return grads / (jnp.sqrt(sum_sq) + eps), sum_sq",
            "",
            "    return optax.GradientTransformation(jnp.zeros_like, update)",
        ]
        return (
            helper,
            [],
            (f"optax.chain(scale_by_adagrad({f['eps']}), optax.scale_by_learning_rate({lr}))"),
        )
    if name == "rmsprop":
        return (
            [],
            [
                "# RMSprop: the app's β₂ is optax's decay (PyTorch's alpha); ε outside the root,",
                "# g/(√s + ε), as in the app and PyTorch.",
            ],
            f"optax.rmsprop({lr}, decay={f['beta2']}, eps={f['eps']}, eps_in_sqrt=False)",
        )
    if name == "adadelta":
        return (
            [],
            [
                "# Adadelta (Zeiler 2012); the rate multiplies the step, as PyTorch's lr (Zeiler: 1)."
            ],
            f"optax.adadelta({lr}, rho={f['rho']}, eps={f['eps']})",
        )
    if name in ("adam", "adamw"):
        if name == "adam" and float(hp["bias_correction"]) < 0.5:
            raise _missing(
                "optax", "no Adam without bias correction (optax.adam always divides by 1 − βᵗ)"
            )
        eps = f"eps={f['eps']}"
        comments = []
        if name == "adam" and float(hp["eps_inside_sqrt"]) > 0.5:
            eps = f"eps=0.0, eps_root={f['eps']}"
            comments = ["# ε inside the root, m̂/√(v̂ + ε): optax's eps_root."]
        args = f"{lr}, b1={f['beta1']}, b2={f['beta2']}, {eps}"
        if name == "adamw":
            comments = ["# AdamW's decoupled decay: θ ← θ − α(m̂/(√v̂ + ε) + λθ)."]
            return [], comments, f"optax.adamw({args}, weight_decay={f['weight_decay']})"
        return [], comments, f"optax.adam({args})"
    if name == "lion":
        return (
            [],
            [],
            f"optax.lion({lr}, b1={f['beta1']}, b2={f['beta2']}, weight_decay={f['weight_decay']})",
        )
    raise _missing("optax", f"no {OPTIMIZERS[name].label} with the app's rule")


@dataclass(frozen=True)
class TorchOptimizer:
    """PyTorch's form of an optimizer.

    Attributes:
        comments: lines about the translation.
        expression: builds it, given the parameters' code and the rate's.
        lr_scale: PyTorch's rate is the app's times this (``None``: the same).
        decay_kwarg: coupled weight decay goes in ``weight_decay=`` (else it is added by hand).
    """

    comments: tuple[str, ...]
    expression: Callable[[str, str, str], str]
    lr_scale: str | None = None
    decay_kwarg: bool = True


def torch_optimizer(name: str, hp: Mapping[str, Any]) -> TorchOptimizer:
    """PyTorch's form of optimizer ``name``; ``expression(params, lr, extra)`` where ``extra`` is
    more keyword arguments (``", weight_decay=0.1"`` or ``""``).

    Raises:
        NotExpressible: torch.optim has no such rule.
    """
    f = {k: number(v) for k, v in hp.items()}
    if name == "sgd":
        return TorchOptimizer((), lambda p, lr, x: f"torch.optim.SGD({p}, lr={lr}{x})")
    if name == "momentum":
        return TorchOptimizer(
            (
                "# Momentum in EWA form, v ← βv + (1 − β)g and θ ← θ − αv, is PyTorch's",
                "# SGD(momentum=β) (the classic form v ← βv + g) at the rate α(1 − β): the same path.",
            ),
            lambda p, lr, x: f"torch.optim.SGD({p}, lr={lr}, momentum={f['beta']}{x})",
            lr_scale=f"(1 - {f['beta']})",
        )
    if name == "heavy_ball":
        return TorchOptimizer(
            ("# Classic momentum v ← ρv + g, θ ← θ − αv.",),
            lambda p, lr, x: f"torch.optim.SGD({p}, lr={lr}, momentum={f['rho']}{x})",
        )
    if name == "nesterov":
        if float(hp["rho"]) == 0.0:  # PyTorch refuses nesterov=True without momentum
            return TorchOptimizer(
                ("# Nesterov with ρ = 0 is plain gradient descent.",),
                lambda p, lr, x: f"torch.optim.SGD({p}, lr={lr}{x})",
            )
        return TorchOptimizer(
            ("# Nesterov, v ← ρv + g, θ ← θ − α(g + ρv): the app's form is PyTorch's.",),
            lambda p, lr, x: (
                f"torch.optim.SGD({p}, lr={lr}, momentum={f['rho']}, nesterov=True{x})"
            ),
        )
    if name == "adagrad":
        return TorchOptimizer(
            ("# AdaGrad, g/(√G + ε) with G₀ = 0: as PyTorch's (optax's divides by √(G + ε)).",),
            lambda p, lr, x: f"torch.optim.Adagrad({p}, lr={lr}, eps={f['eps']}{x})",
        )
    if name == "rmsprop":
        return TorchOptimizer(
            ("# RMSprop: the app's β₂ is PyTorch's alpha (its default 0.99; optax's decay 0.9).",),
            lambda p, lr, x: (
                f"torch.optim.RMSprop({p}, lr={lr}, alpha={f['beta2']}, eps={f['eps']}{x})"
            ),
        )
    if name == "adadelta":
        return TorchOptimizer(
            ("# Adadelta (Zeiler 2012); lr multiplies the step (Zeiler's has none: lr = 1).",),
            lambda p, lr, x: (
                f"torch.optim.Adadelta({p}, lr={lr}, rho={f['rho']}, eps={f['eps']}{x})"
            ),
        )
    if name == "adam":
        if float(hp["bias_correction"]) < 0.5:
            raise _missing("torch", "no Adam without bias correction (it always divides by 1 − βᵗ)")
        if float(hp["eps_inside_sqrt"]) > 0.5:
            raise _missing("torch", "no Adam with ε inside the root (it divides by √v̂ + ε)")
        return TorchOptimizer(
            (),
            lambda p, lr, x: (
                f"torch.optim.Adam({p}, lr={lr}, betas=({f['beta1']}, {f['beta2']}), "
                f"eps={f['eps']}{x})"
            ),
        )
    if name == "adamw":
        return TorchOptimizer(
            ("# AdamW's decoupled decay: θ ← θ − α(m̂/(√v̂ + ε) + λθ).",),
            lambda p, lr, x: (
                f"torch.optim.AdamW({p}, lr={lr}, betas=({f['beta1']}, {f['beta2']}), "
                f"eps={f['eps']}, weight_decay={f['weight_decay']})"
            ),
            decay_kwarg=False,
        )
    if name == "lion":
        raise _missing("torch", "no Lion optimizer in torch.optim")
    raise _missing("torch", f"no {OPTIMIZERS[name].label} with the app's rule")


# ------------------------------------------------------------------------------------------------
# Schedules


@dataclass(frozen=True)
class OptaxSchedule:
    """``lines`` define ``schedule`` (a function of the step) unless the rate is constant
    (``constant``) or watches the loss (``plateau``: the loop changes it)."""

    lines: tuple[str, ...]
    constant: bool = False
    plateau: bool = False


def _milestone_scales(milestones: Sequence[int], gamma: str) -> str:
    counts: dict[int, int] = {}
    for m in milestones:
        counts[int(m)] = counts.get(int(m), 0) + 1
    items = [f"{m}: {gamma}" + (f" ** {c}" if c > 1 else "") for m, c in sorted(counts.items())]
    return "{" + ", ".join(items) + "}"


def _lr_table(doc: str, body: Sequence[str]) -> list[str]:
    """A rate written as plain Python per step, tabulated for optax (steps are whole numbers)."""
    return [
        *_fn(doc, body, "lr_at", "t"),
        "",
        "",
        "LR_TABLE = jnp.array([lr_at(t) for t in range(STEPS)])",
        "schedule = lambda count: LR_TABLE[count]",
    ]


def _warm_restarts_body(sp: Mapping[str, Any]) -> list[str]:
    if round(float(sp["t_mult"])) == 1:
        find = ["period, t_cur = T_0, t % T_0"]
    else:
        find = [
            "period, t_cur = T_0, t",
            "while t_cur >= period:  # cycle i lasts T_0·T_MULTⁱ steps",
            "    t_cur, period = t_cur - period, period * T_MULT",
        ]
    return [*find, "return LR_MIN + (LR - LR_MIN) * (1 + math.cos(math.pi * t_cur / period)) / 2"]


def schedule_constants(name: str, sp: Mapping[str, Any], lr_scale: str | None = None) -> list[str]:
    """The schedule's numbers as named constants (``LR`` first)."""
    out = []
    for p in SCHEDULES[name].params:
        value = sp[p.name]
        if p.kind == "int_list":
            out.append(f"{p.name.upper()} = [{', '.join(str(int(v)) for v in value)}]")
        elif p.integer:
            out.append(f"{p.name.upper()} = {whole(value)}")
        else:
            out.append(f"{p.name.upper()} = {number(value)}")
    return out


def optax_schedule(name: str, sp: Mapping[str, Any], steps: int) -> OptaxSchedule:
    """optax's form of schedule ``name`` (its constants are defined by :func:`schedule_constants`)."""
    if name == "constant":
        return OptaxSchedule((), constant=True)
    if name == "step":
        if float(sp["gamma"]) == 0.0:  # optax.exponential_decay turns a rate of 0 into a constant
            return OptaxSchedule(
                tuple(
                    _lr_table(
                        "α₀·γ^⌊t/s⌋ (γ = 0: α₀, then 0).", ["return LR * GAMMA ** (t // STEP_SIZE)"]
                    )
                )
            )
        return OptaxSchedule(
            (
                "# α₀·γ^⌊t/s⌋",
                "schedule = optax.exponential_decay(LR, transition_steps=STEP_SIZE, "
                "decay_rate=GAMMA, staircase=True)",
            )
        )
    if name == "multistep":
        scales = _milestone_scales(sp["milestones"], "GAMMA")
        return OptaxSchedule(
            (
                "# α₀·γ^(number of milestones ≤ t)",
                f"schedule = optax.piecewise_constant_schedule(LR, {scales})",
            )
        )
    if name == "exponential":
        return OptaxSchedule(
            (
                "# α₀·e^(−kt) = α₀·(e^(−k))^t",
                "schedule = optax.exponential_decay(LR, transition_steps=1, decay_rate=math.exp(-K))",
            )
        )
    if name == "inverse_time":
        return OptaxSchedule(tuple(_lr_table("α₀/(1 + kt).", ["return LR / (1 + K * t)"])))
    if name == "cosine":
        if steps - 1 <= round(float(sp["t_max"])) and float(sp["lr"]) > 0:
            return OptaxSchedule(
                (
                    "# α_min + (α₀ − α_min)(1 + cos(πt/T_max))/2 for t ≤ T_max",
                    "schedule = optax.cosine_decay_schedule(LR, decay_steps=T_MAX, alpha=LR_MIN / LR)",
                )
            )
        return OptaxSchedule(
            tuple(
                _lr_table(
                    "α_min + (α₀ − α_min)(1 + cos(πt/T_max))/2, rising again after T_max as "
                    "PyTorch's CosineAnnealingLR (optax.cosine_decay_schedule stays at α_min).",
                    ["return LR_MIN + (LR - LR_MIN) * (1 + math.cos(math.pi * t / T_MAX)) / 2"],
                )
            )
        )
    if name == "cyclic":
        return OptaxSchedule(
            tuple(
                _lr_table(
                    "Triangular cycles between LR_MIN and LR_MAX, STEP_SIZE steps up, as many down.",
                    [
                        "cycle = math.floor(1 + t / (2 * STEP_SIZE))",
                        "x = abs(t / STEP_SIZE - 2 * cycle + 1)",
                        "return LR_MIN + (LR_MAX - LR_MIN) * max(0.0, 1 - x)",
                    ],
                )
            )
        )
    if name == "warm_restarts":
        return OptaxSchedule(
            tuple(
                _lr_table(
                    "Cosine annealing with warm restarts (SGDR), as PyTorch's "
                    "CosineAnnealingWarmRestarts.",
                    _warm_restarts_body(sp),
                )
            )
        )
    if name == "plateau":
        return OptaxSchedule((), plateau=True)
    raise _missing("optax", f"no schedule {SCHEDULES[name].label!r}")


def torch_scheduler(name: str, sp: Mapping[str, Any], lr_scale: str | None) -> list[str]:
    """PyTorch's scheduler for ``name`` as lines defining ``scheduler`` (none for ``constant``);
    absolute rates are multiplied by ``lr_scale`` where the optimizer's rate is."""

    def rate(code: str) -> str:
        return f"{code} * {lr_scale}" if lr_scale else code

    sched = "torch.optim.lr_scheduler"
    if name == "constant":
        return []
    if name == "step":
        return [f"scheduler = {sched}.StepLR(optimizer, step_size=STEP_SIZE, gamma=GAMMA)"]
    if name == "multistep":
        return [f"scheduler = {sched}.MultiStepLR(optimizer, milestones=MILESTONES, gamma=GAMMA)"]
    if name == "exponential":
        return [
            "# α₀·e^(−kt) = α₀·γ^t with γ = e^(−k)",
            f"scheduler = {sched}.ExponentialLR(optimizer, gamma=math.exp(-K))",
        ]
    if name == "inverse_time":
        return [f"scheduler = {sched}.LambdaLR(optimizer, lambda t: 1 / (1 + K * t))"]
    if name == "cosine":
        return [
            f"scheduler = {sched}.CosineAnnealingLR(optimizer, T_max=T_MAX, eta_min={rate('LR_MIN')})"
        ]
    if name == "cyclic":
        return [
            f"scheduler = {sched}.CyclicLR(",
            f"    optimizer, base_lr={rate('LR_MIN')}, max_lr={rate('LR_MAX')}, "
            'step_size_up=STEP_SIZE, mode="triangular",',
            "    cycle_momentum=False,  # the rate only",
            ")",
        ]
    if name == "warm_restarts":
        return [
            f"scheduler = {sched}.CosineAnnealingWarmRestarts(",
            f"    optimizer, T_0=T_0, T_mult=T_MULT, eta_min={rate('LR_MIN')}",
            ")",
        ]
    if name == "plateau":
        if float(sp["factor"]) >= 1.0:
            raise _missing("torch", "no ReduceLROnPlateau with factor 1 (it needs factor < 1)")
        return [
            "# Reduce on plateau, watching the loss after each step: mode min, relative threshold;",
            "# eps=0 so that no reduction is skipped (PyTorch skips those under 1e-8 by default).",
            f"scheduler = {sched}.ReduceLROnPlateau(",
            '    optimizer, mode="min", factor=FACTOR, patience=PATIENCE, threshold=THRESHOLD,',
            '    threshold_mode="rel", cooldown=0, min_lr=0.0, eps=0.0',
            ")",
        ]
    raise _missing("torch", f"no scheduler {SCHEDULES[name].label!r}")


PLATEAU_COMMENT = (
    "# Reduce on plateau, as the app and PyTorch's ReduceLROnPlateau: after each step, a loss below",
    "# best·(1 − THRESHOLD) is an improvement; after more than PATIENCE steps without one, the",
    "# rate is multiplied by FACTOR. (optax.contrib.reduce_on_plateau also compares the first loss.)",
)


# ------------------------------------------------------------------------------------------------
# The 2-D scripts


def _healthy_lines() -> list[str]:
    return [
        "def healthy(loss, point, loss0):",
        '    """The app\'s divergence rule: the loss within 1e6·(1 + |loss₀|) and every coordinate',
        '    within ±1e6 (a NaN fails both); the path then stays at its last healthy point."""',
        f"    return abs(loss) <= {_power_of_ten(LOSS_BOUND)} * (1 + abs(loss0)) and all(",
        f"        abs(v) <= {_power_of_ten(PARAM_BOUND)} for v in point",
        "    )",
    ]


def _power_of_ten(value: float) -> str:
    return f"1e{round(math.log10(value))}"


def _imports(library: str, needs: set[str]) -> list[str]:
    std = ["import json", *(["import math"] if "math" in needs else [])]
    if library == "optax":
        third = [
            "import jax",
            "import jax.numpy as jnp",
            *(["import numpy as np"] if "numpy" in needs else []),
            "import optax",
        ]
    else:
        third = [*(["import numpy as np"] if "numpy" in needs else []), "import torch"]
    return [*std, "", *third]


def cli_command(surface: SurfaceSource, spec: RunSpec, start: Sequence[float], steps: int) -> str:
    """The ``optim-lab trajectory`` command that prints the same run (float64)."""
    hp, sp, mods = spec.resolve()
    args = ["optim-lab", "trajectory", *surface.cli, "--optimizer", spec.optimizer]
    defaults = OPTIMIZERS[spec.optimizer].defaults()
    args += [f"--set={k}={_cli_value(v)}" for k, v in hp.items() if v != defaults[k]]
    if spec.schedule != "constant":
        args += ["--schedule", spec.schedule]
        sched_defaults = SCHEDULES[spec.schedule].defaults()
        args += [
            f"--schedule-set={k}={_cli_value(v)}"
            for k, v in sp.items()
            if k != "lr" and v != sched_defaults[k]
        ]
        if "lr" in sp and float(sp["lr"]) != float(hp["lr"]):
            args.append(f"--schedule-set=lr={_cli_value(sp['lr'])}")
    args += [f"--{k.replace('_', '-')}={_cli_value(v)}" for k, v in mods.items() if float(v) > 0]
    if float(mods["noise"]) > 0 or surface.minibatch:
        args.append(f"--seed={spec.seed}")
    args += [f"--start={_cli_value(start[0])},{_cli_value(start[1])}", f"--steps={steps}"]
    return " ".join(args) + " --x64 --format json"


def _header(title: str, library: str, command: str, notes: Sequence[str] = ()) -> list[str]:
    needs = "NumPy, JAX and optax" if library == "optax" else "PyTorch (and NumPy)"
    return [
        f'"""{title}',
        "",
        "Prints the run as JSON, as the app's command does (computing in float64):",
        "",
        f"    {command}",
        "",
        "points: the path, start first; loss: the loss at each point; lr: the rate of each step;",
        "diverged_at: the step where the loss or θ blew up (the path then stays at its last",
        f"healthy point), or null. Needs {needs}.",
        *notes,
        '"""',
        "",
    ]


# The gradient modifiers the scripts write (the others are refused when on).
WRITTEN_MODIFIERS = ("clip_norm", "clip_value", "weight_decay", "noise", "l1", "decoupled_decay")


def _check_modifiers(mods: Mapping[str, Any]) -> None:
    labels = {p.name: p.label for p in MODIFIER_PARAMS}
    for name, value in mods.items():
        if name not in WRITTEN_MODIFIERS and float(value) > 0:
            raise NotExpressible(
                f"the scripts do not write the modifier {labels.get(name, name)!r} yet "
                "(set it to 0 to copy the rest of the run)"
            )


def _check_run(spec: RunSpec, start: Sequence[float], steps: int) -> tuple[dict, dict, dict]:
    step_bucket(int(steps))
    values = [float(v) for v in np.asarray(start, dtype=np.float64).reshape(-1)]
    if len(values) != 2 or not all(math.isfinite(v) for v in values):
        raise ValueError(f"start must be two finite numbers x,y, got {start!r}")
    hp, sp, mods = spec.resolve()
    _check_modifiers(mods)
    return hp, sp, {k: v for k, v in mods.items() if k in WRITTEN_MODIFIERS}


def trajectory_script(
    library: str,
    surface: str | SurfaceEntry,
    spec: RunSpec,
    start: Sequence[float],
    steps: int,
    surface_params: Mapping[str, Any] | None = None,
) -> str:
    """A standalone script that reproduces one run on a surface with ``library``.

    Args:
        library: ``"optax"`` or ``"torch"``.
        surface: a registry name, ``"expr:<formula>"``, or a surface entry.
        spec: the run (optimizer, hyper-parameters, schedule, modifiers, seed).
        start: (x, y).
        steps: number of updates.
        surface_params: overrides of the surface's parameters.

    Returns:
        The script's text: float64, printing ``{"points", "loss", "lr", "diverged_at"}`` as
        ``optim-lab trajectory … --x64 --format json`` does.

    Raises:
        NotExpressible: the library cannot reproduce this run (the message says why).
        ValueError: invalid run settings (as :meth:`RunSpec.resolve`).
    """
    check_library(library)
    hp, sp, mods = _check_run(spec, start, steps)
    start = [float(v) for v in np.asarray(start, dtype=np.float64).reshape(-1)]
    source = surface_source(surface, surface_params, library)
    write = _optax_trajectory if library == "optax" else _torch_trajectory
    return write(source, spec, hp, sp, mods, start, int(steps))


def _run_constants(start, steps, sp, schedule, lr_scale=None) -> list[str]:
    return [
        f"START = [{number(start[0])}, {number(start[1])}]",
        f"STEPS = {steps}",
        *schedule_constants(schedule, sp, lr_scale),
    ]


def _modifier_constants(mods: Mapping[str, Any], seed: int, random: bool) -> list[str]:
    names = {
        "clip_norm": "CLIP_NORM = {}  # rescale g to this norm when it is longer",
        "clip_value": "CLIP_VALUE = {}  # clamp each component of g to ±CLIP_VALUE",
        "weight_decay": "WEIGHT_DECAY = {}  # coupled: g ← g + λθ, the gradient of (λ/2)‖θ‖²",
        "noise": "GRAD_NOISE = {}  # σ of the Gaussian noise added to g",
        "l1": "L1 = {}  # coupled L1: g ← g + λ₁·sign(θ), the gradient of λ₁‖θ‖₁",
        "decoupled_decay": "DECOUPLED_DECAY = {}  # AdamW's: after the step, θ ← θ − α·λ·θ_before",
    }
    out = [names[k].format(number(v)) for k, v in mods.items() if float(v) > 0]
    if random:
        out.append(f"SEED = {int(seed)}  # seeds the noise and the minibatches")
    return out


def optax_optimizer_lines(
    opt_expr: str, comments: Sequence[str], mods: Mapping[str, Any]
) -> tuple[list[str], list[str]]:
    """(comments before the statement, the expression's lines): a chain when clipping or weight
    decay come before the optimizer (comments then go inside it)."""
    chain = []
    if float(mods["clip_norm"]) > 0:
        chain.append("optax.clip_by_global_norm(CLIP_NORM),  # g ← g·min(1, c/‖g‖)")
    if float(mods["clip_value"]) > 0:
        chain.append("optax.clip(CLIP_VALUE),  # each gᵢ into [−c, c]")
    if float(mods["weight_decay"]) > 0:
        chain.append("optax.add_decayed_weights(WEIGHT_DECAY),  # g ← g + λθ")
    if float(mods.get("l1", 0.0)) > 0:
        chain.append("optax.stateless(lambda g, p: g + L1 * jnp.sign(p)),  # g ← g + λ₁ sign θ")
    if not chain:
        return list(comments), [opt_expr]
    inner = [*chain, *comments, f"{opt_expr},"]
    return [], ["optax.chain(", *(f"    {line}" for line in inner), ")"]


def injected_optimizer_lines(before: Sequence[str], expression: Sequence[str]) -> list[str]:
    """The optimizer built with optax's ``inject_hyperparams``, so the loop can change its rate
    (the plateau schedule)."""
    return [
        "def make_optimizer(learning_rate):",
        *(f"    {line}" for line in before),
        f"    return {expression[0]}",
        *(f"    {line}" for line in expression[1:]),
        "",
        "",
        "# inject_hyperparams: the rate becomes a value the loop can change",
        "optimizer = optax.inject_hyperparams(make_optimizer)(learning_rate=LR)",
    ]


# How each library is told to compute in float64.
_FLOAT64 = {
    "optax": 'jax.config.update("jax_enable_x64", True)  # float64, as `optim-lab --x64`',
    "torch": "torch.set_default_dtype(torch.float64)  # float64, as `optim-lab --x64`",
}


def _script_opening(library, source, spec, sp, mods, start, steps, needs, random) -> list[str]:
    """A 2-D run's script up to its optimizer: header, imports, float64, the surface, the run's
    and the modifiers' constants."""
    run = f"{OPTIMIZERS[spec.optimizer].label} on {source.title}, {steps} steps"
    lines = _header(
        f"{run}, with {LIBRARY_LABELS[library]}.", library, cli_command(source, spec, start, steps)
    )
    lines += _imports(library, needs)
    lines += ["", _FLOAT64[library], ""]
    lines += ["# The surface", *source.lines, "", "", "# The run"]
    lines += _run_constants(start, steps, sp, spec.schedule)
    return lines + _modifier_constants(mods, spec.seed, random)


def _optax_trajectory(source, spec, hp, sp, mods, start, steps) -> str:
    schedule = optax_schedule(spec.schedule, sp, steps)
    lr_code = "learning_rate" if schedule.plateau else "LR" if schedule.constant else "schedule"
    helpers, comments, opt_expr = optax_optimizer(spec.optimizer, hp, lr_code)
    before, expression = optax_optimizer_lines(opt_expr, comments, mods)
    noise = float(mods["noise"]) > 0
    random = noise or source.minibatch
    needs = set(source.needs)
    if schedule.plateau or any("math." in line for line in schedule.lines):
        needs.add("math")
    lines = _script_opening("optax", source, spec, sp, mods, start, steps, needs, random)
    lines += [""]
    if schedule.lines:
        lines += [*schedule.lines, ""]
    if helpers:
        lines += ["", *helpers, "", ""]
    if schedule.plateau:
        lines += injected_optimizer_lines(before, expression)
    else:
        lines += [*before, f"optimizer = {expression[0]}", *expression[1:]]
    lines += ["", ""]
    decay_rate = None
    if float(mods.get("decoupled_decay", 0.0)) > 0:
        decay_rate = (
            'opt_state.hyperparams["learning_rate"]'
            if schedule.plateau
            else "LR"
            if schedule.constant
            else "schedule(t)"
        )
    lines += _optax_step(source, noise, decay_rate)
    lines += ["", "", *_healthy_lines(), "", ""]
    lines += _optax_loop(schedule, random or (decay_rate is not None and "(t)" in decay_rate))
    return "\n".join(lines) + "\n"


def _optax_step(source: SurfaceSource, noise: bool, decay_rate: str | None = None) -> list[str]:
    """The jitted step; ``decay_rate`` is the code of the step's α when the run has a decoupled
    decay (it then takes the step number too)."""
    random = noise or source.minibatch
    takes_t = random or (decay_rate is not None and "(t)" in decay_rate)
    signature = "params, opt_state, t" if takes_t else "params, opt_state"
    body = []
    if random:
        keys = (
            "batch_key, noise_key"
            if source.minibatch and noise
            else ("batch_key, _" if source.minibatch else "_, noise_key")
        )
        body += [
            "# the app's random numbers: one key per step, split between the minibatch and the noise",
            f"{keys} = jax.random.split(jax.random.fold_in(KEY, t))",
        ]
    if source.minibatch:
        body.append("grads = jax.grad(minibatch_loss)(params, batch_key)")
    else:
        body.append("grads = jax.grad(loss_fn)(params)")
    if noise:
        body += [
            "# (the app splits the noise key once per parameter array: one here)",
            "grads = grads + GRAD_NOISE * jax.random.normal(jax.random.split(noise_key, 1)[0], (2,))",
        ]
    if decay_rate is not None:
        body.append(f"rate = {decay_rate}  # this step's α")
    body.append("updates, opt_state = optimizer.update(grads, opt_state, params)")
    if decay_rate is not None:
        body.append("updates = updates - rate * DECOUPLED_DECAY * params  # AdamW's decay")
    body += [
        "params = optax.apply_updates(params, updates)",
        "return params, opt_state, loss_fn(params)",
    ]
    return [
        *(["KEY = jax.random.key(SEED)", "", ""] if random else []),
        "@jax.jit",
        f"def step({signature}):",
        *(f"    {line}" for line in body),
    ]


def _optax_loop(schedule: OptaxSchedule, random: bool) -> list[str]:
    call = "step(params, opt_state, t)" if random else "step(params, opt_state)"
    lines = [
        "params = jnp.array(START)",
        "opt_state = optimizer.init(params)",
        "loss0 = float(loss_fn(params))",
        "points, losses, lrs = [START], [loss0], []",
        "diverged_at = None",
    ]
    if schedule.plateau:
        lines += [*PLATEAU_COMMENT, "scale, best, bad_steps = 1.0, math.inf, 0"]
    lines += ["for t in range(STEPS):"]
    if schedule.plateau:
        lines += [
            "    lr = LR * scale",
            "    lrs.append(lr)",
            '    opt_state.hyperparams["learning_rate"] = jnp.asarray(lr)',
        ]
    lines += [
        f"    params_new, opt_state, loss = {call}",
        "    loss, point = float(loss), params_new.tolist()",
        "    if not healthy(loss, point, loss0):",
        "        diverged_at = t + 1",
        "        break",
        "    params = params_new",
        "    points.append(point)",
        "    losses.append(loss)",
    ]
    if schedule.plateau:
        lines += [
            "    if loss < best * (1 - THRESHOLD):",
            "        best, bad_steps = loss, 0",
            "    else:",
            "        bad_steps += 1",
            "    if bad_steps > PATIENCE:",
            "        scale, bad_steps = scale * FACTOR, 0",
            "lrs += [lrs[-1]] * (STEPS - len(lrs))  # after a divergence the rate stays",
        ]
    elif schedule.constant:
        lines += ["lrs = [LR] * STEPS"]
    else:
        lines += ["lrs = [float(lr) for lr in jax.vmap(schedule)(jnp.arange(STEPS))]"]
    lines += _json_lines()
    return lines


def _json_lines() -> list[str]:
    return [
        "points += [points[-1]] * (STEPS + 1 - len(points))",
        "losses += [losses[-1]] * (STEPS + 1 - len(losses))",
        'print(json.dumps({"points": points, "loss": losses, "lr": lrs, "diverged_at": diverged_at}))',
    ]


def _torch_trajectory(source, spec, hp, sp, mods, start, steps) -> str:
    if float(mods["noise"]) > 0:
        raise NotExpressible(
            "PyTorch cannot draw the app's gradient noise (JAX's random numbers): "
            "set the noise σ to 0, or use the optax script"
        )
    optimizer = torch_optimizer(spec.optimizer, hp)
    scheduler = torch_scheduler(spec.schedule, sp, optimizer.lr_scale)
    needs = set(source.needs)
    if any("math." in line for line in scheduler):
        needs.add("math")
    decay = float(mods["weight_decay"]) > 0
    extra = ", weight_decay=WEIGHT_DECAY" if decay and optimizer.decay_kwarg else ""
    lr = f"LR * {optimizer.lr_scale}" if optimizer.lr_scale else "LR"
    if "lr" not in sp:  # the schedule sets the rate (cyclic): the optimizer's is replaced
        lr = f"LR_MIN * {optimizer.lr_scale}" if optimizer.lr_scale else "LR_MIN"
    lines = _script_opening("torch", source, spec, sp, mods, start, steps, needs, False)
    lines += ["", "params = torch.tensor(START, requires_grad=True)"]
    lines += list(optimizer.comments)
    lines += [f"optimizer = {optimizer.expression('[params]', lr, extra)}"]
    if decay and not optimizer.decay_kwarg:
        lines += [
            "# (its weight_decay is the decoupled one: the coupled decay is added to g below)"
        ]
    lines += scheduler
    lines += ["", "", *_healthy_lines(), "", ""]
    rate = 'optimizer.param_groups[0]["lr"]'
    if optimizer.lr_scale:
        rate = f"{rate} / {optimizer.lr_scale}"  # the app's α
    lines += [
        "loss0 = loss_fn(params).item()",
        "points, losses, lrs = [START], [loss0], []",
        "diverged_at = None",
        "for t in range(STEPS):",
        f"    lrs.append({rate})",
        "    optimizer.zero_grad()",
        "    loss_fn(params).backward()",
    ]
    if float(mods["clip_norm"]) > 0:
        lines += [
            "    # by hand: torch.nn.utils.clip_grad_norm_ divides by ‖g‖ + 1e-6, the app by ‖g‖",
            "    norm = params.grad.norm()",
            "    if norm > CLIP_NORM:",
            "        params.grad.mul_(CLIP_NORM / norm)",
        ]
    if float(mods["clip_value"]) > 0:
        lines += ["    torch.nn.utils.clip_grad_value_([params], CLIP_VALUE)"]
    if decay and not optimizer.decay_kwarg:
        lines += ["    params.grad.add_(params.detach(), alpha=WEIGHT_DECAY)  # coupled: g + λθ"]
    if float(mods.get("l1", 0.0)) > 0:
        lines += ["    params.grad.add_(torch.sign(params.detach()), alpha=L1)  # g + λ₁ sign θ"]
    decoupled = float(mods.get("decoupled_decay", 0.0)) > 0
    if decoupled:
        lines += ["    before = params.detach().clone()"]
    lines += ["    optimizer.step()"]
    if decoupled:
        lines += [
            "    with torch.no_grad():  # AdamW's decay, at this step's α",
            "        params.sub_(before, alpha=lrs[-1] * DECOUPLED_DECAY)",
        ]
    lines += [
        "    with torch.no_grad():",
        "        loss = loss_fn(params).item()",
        "    point = params.tolist()",
        "    if not healthy(loss, point, loss0):",
        "        diverged_at = t + 1",
        "        break",
        "    points.append(point)",
        "    losses.append(loss)",
    ]
    if spec.schedule == "plateau":
        lines += [
            "    scheduler.step(loss)",
            "lrs += [lrs[-1]] * (STEPS - len(lrs))  # after a divergence the rate stays",
        ]
    elif scheduler:
        lines += [
            "    scheduler.step()",
            "while len(lrs) < STEPS:  # after a divergence: the schedule's remaining rates",
            "    scheduler.step()",
            f"    lrs.append({rate})",
        ]
    else:
        lines += ["lrs = [LR] * STEPS"]
    lines += _json_lines()
    return "\n".join(lines) + "\n"


def script_name(name: str, library: str) -> str:
    """A file name for the script of ``name`` (e.g. ``arena_run1_optax.py``)."""
    safe = "".join(c if c.isalnum() else "_" for c in name).strip("_") or "run"
    return f"{safe}_{FILE_SUFFIX[check_library(library)]}.py"
