"""The formula parser: right values, clear refusals (with the column), and no code ever runs.

Values are compared in float64 against NumPy written from the same formulas; property tests throw
random text and random valid formulas at the parser.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from optim_lab.expr import (
    MAX_LENGTH,
    MAX_OPERATIONS,
    Expression,
    ExpressionError,
    expression_to_latex,
    parse_expression,
)

PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,  # no .hypothesis folder in the working tree
    suppress_health_check=[HealthCheck.too_slow],
)


pytestmark = pytest.mark.usefixtures("float64")


def evaluate(text: str, x: float, y: float) -> float:
    return float(parse_expression(text)(jnp.asarray([x, y], jnp.float64), {}))


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --------------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------------

VALUE_CASES = [
    ("x + y*2", lambda x, y: x + y * 2),
    ("x - y - 1", lambda x, y: (x - y) - 1),
    ("x / y / 2", lambda x, y: (x / y) / 2),
    ("2**3**2", lambda x, y: 512.0),
    ("-x**2", lambda x, y: -(x**2)),
    ("(-x)**2", lambda x, y: x**2),
    ("-x**-2", lambda x, y: -(x**-2.0)),
    ("+x - -y", lambda x, y: x + y),
    ("--x", lambda x, y: x),
    ("2*x**2 + 3*x*y - y/4", lambda x, y: 2 * x**2 + 3 * x * y - y / 4),
    ("(1 - x)**2 + 100*(y - x**2)**2", lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2),
    ("abs(x)**1.5 + abs(y)**0.5", lambda x, y: abs(x) ** 1.5 + abs(y) ** 0.5),
    ("pow(abs(x), y)", lambda x, y: abs(x) ** y),
    ("exp(-(x**2 + y**2)/2)", lambda x, y: np.exp(-(x**2 + y**2) / 2)),
    ("log(1 + x**2) + log2(4) + log10(1000)", lambda x, y: np.log(1 + x**2) + 2 + 3),
    ("sqrt(x**2 + y**2)", lambda x, y: np.hypot(x, y)),
    (
        "sin(pi*x) + cos(e*y) + tan(x/4)",
        lambda x, y: np.sin(np.pi * x) + np.cos(np.e * y) + np.tan(x / 4),
    ),
    ("sinh(x) - cosh(y) + tanh(x*y)", lambda x, y: np.sinh(x) - np.cosh(y) + np.tanh(x * y)),
    (
        "atan(y) + arctan(x) + atan2(y, x)",
        lambda x, y: np.arctan(y) + np.arctan(x) + np.arctan2(y, x),
    ),
    (
        "sigmoid(x) * softplus(y) + relu(x - y)",
        lambda x, y: sigmoid(x) * np.log1p(np.exp(y)) + max(x - y, 0),
    ),
    ("min(x, y) + 2*max(x, y)", lambda x, y: min(x, y) + 2 * max(x, y)),
    ("1e-3*x + 2.5e2*y + 7", lambda x, y: 1e-3 * x + 250 * y + 7),
    ("pi + e", lambda x, y: math.pi + math.e),
    ("  x *\n  y  ", lambda x, y: x * y),
    ("x**3 - 3*x*y**2", lambda x, y: x**3 - 3 * x * y**2),
]


@pytest.mark.parametrize(("text", "reference"), VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
@pytest.mark.parametrize("point", [(0.7, -1.3), (-2.1, 0.4), (1.5, 2.0)])
def test_values_match_numpy(text, reference, point):
    x, y = point
    assert evaluate(text, x, y) == pytest.approx(reference(x, y), rel=1e-12, abs=1e-14)


def test_special_values_are_data_not_errors():
    assert evaluate("1/0", 0.0, 0.0) == math.inf
    assert evaluate("x/0", -1.0, 0.0) == -math.inf
    assert evaluate("10**400", 0.0, 0.0) == math.inf
    assert evaluate("99999999999999999999999999999999999999999999999999" * 8, 0.0, 0.0) == math.inf
    assert math.isnan(evaluate("sqrt(x)", -1.0, 0.0))
    assert math.isnan(evaluate("log(x) - log(x)", 0.0, 0.0))


def test_result_dtype_follows_the_input():
    f = parse_expression("x + 1")
    assert f(jnp.asarray([1.0, 2.0], jnp.float32), {}).dtype == jnp.float32
    assert f(jnp.asarray([1.0, 2.0], jnp.float64), {}).dtype == jnp.float64
    assert f(jnp.asarray([1, 2]), {}).dtype == jnp.float64  # integers become floats
    assert parse_expression("3")(jnp.asarray([1.0, 2.0], jnp.float32)).dtype == jnp.float32


def test_jit_grad_and_hessian():
    f = parse_expression("(1 - x)**2 + 100*(y - x**2)**2")
    xy = jnp.asarray([0.5, -0.25])
    x, y = 0.5, -0.25
    np.testing.assert_allclose(
        jax.jit(jax.grad(f))(xy, {}),
        [-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)],
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        jax.hessian(f)(xy, {}),
        [[2 - 400 * (y - 3 * x**2), -400 * x], [-400 * x, 200]],
        rtol=1e-12,
    )
    # a constant still has a (zero) gradient
    np.testing.assert_array_equal(jax.grad(parse_expression("2"))(xy, {}), [0.0, 0.0])
    # x**2 uses an exact integer power: fine for x < 0 and at 0
    np.testing.assert_allclose(
        jax.grad(parse_expression("x**2 + y**3"))(jnp.asarray([-2.0, 0.0]), {}), [-4.0, 0.0]
    )


def test_equal_text_equal_expressions():
    a, b = parse_expression("x + y"), parse_expression("x + y")
    assert a == b and hash(a) == hash(b) and isinstance(a, Expression)
    assert a != parse_expression("y + x")
    assert a.text == "x + y"


# --------------------------------------------------------------------------------------------------
# Refusals: message names the problem and the column
# --------------------------------------------------------------------------------------------------

REFUSALS = [
    ("__import__('os')", 1, "unknown function '__import__'"),
    ("x.real", 2, "attribute"),
    ("x[0]", 2, "indexing"),
    ("lambda: 1", 1, "lambda"),
    ("open('f')", 1, "unknown function 'open'"),
    ("z + 1", 1, "unknown name 'z'"),
    ("x + 2*zeta", 7, "unknown name 'zeta'"),
    ("1 +", 4, "invalid syntax"),
    ("'a'", 1, "string"),
    ("x if y else 1", 3, "if"),
    ("x, y", 2, "tuple"),
    ("f(x=1)", 1, "unknown function 'f'"),
    ("exp(x=1)", 5, "keyword"),
    ("exp(*x)", 5, "unpacking"),
    ("x" * (MAX_LENGTH + 1), MAX_LENGTH + 1, "too long"),
    ("x ^ 2", 3, "**"),
    ("x // 2", 3, "'//'"),
    ("x % 2", 3, "'%'"),
    ("sin", 1, "must be called"),
    ("sin(x)(y)", 1, "only calls of the listed functions"),
    ("min(x)", 1, "takes 2 arguments"),
    ("exp(x, y)", 1, "takes 1 argument"),
    ("True", 1, "True/False"),
    ("2j", 1, "complex"),
    ("not x", 1, "'not'"),
    ("~x", 1, "'~'"),
    ("x < 1", 3, "comparison"),
    ("x and y", 3, "'and'/'or'"),
    ("[x]", 1, "list"),
    ("{x: 1}", 1, "dict"),
    ("[x for x in y]", 1, "comprehension"),
    ("(x := 1)", 2, ""),
    ("f'{x}'", 1, "f-string"),
    ("", 1, "empty"),
    ("   ", 1, "empty"),
    ("x\x00", 2, "invalid character"),
    ("x +* y", 4, "invalid syntax"),
    ("(x + 1", 1, "never closed"),
    ("x + 1)", 6, "unmatched ')'"),
    ("x y", 3, "invalid syntax"),
    ("  z", 3, "unknown name 'z'"),
    ("   x.real", 5, "attribute"),
    ("\t(x) ^ 2", 6, "**"),
    ("x +\n z", 6, "unknown name 'z'"),
    ("é + 1", 1, "unknown name 'é'"),
    ("é + )", 5, "unmatched"),
    ("import os", 1, "invalid syntax"),
    ("x; y", 2, "invalid syntax"),
    ("-" * 300 + "x", 201, "nested too deeply"),
    ("(" * 240 + "x" + ")" * 240, None, "nested"),
]


@pytest.mark.parametrize(
    ("text", "column", "words"), REFUSALS, ids=[repr(r[0][:20]) for r in REFUSALS]
)
def test_refusals_give_the_column(text, column, words):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    message = str(info.value)
    assert words in message
    assert "column" in message
    if column is not None:
        assert f"column {column}" in message
        assert info.value.column == column
    assert isinstance(info.value, ValueError)
    with pytest.raises(ExpressionError):
        expression_to_latex(text)


def test_unknown_names_list_what_is_allowed():
    with pytest.raises(ExpressionError) as info:
        parse_expression("z + 1")
    message = str(info.value)
    assert "unknown name 'z' at column 1" in message
    for word in ("x, y", "+ - * / **", "exp", "log", "sqrt", "sin", "cos", "tanh", "abs"):
        assert word in message


# --------------------------------------------------------------------------------------------------
# LaTeX
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("x**2 + y", "{x}^{2} + y"),
        ("(1 - x)**2", r"{\left(1 - x\right)}^{2}"),
        ("x / (y + 1)", r"\frac{x}{y + 1}"),
        ("2*(x + y)", r"2 \cdot \left(x + y\right)"),
        ("x - (y - 1)", r"x - \left(y - 1\right)"),
        ("-x**2", "-{x}^{2}"),
        ("sqrt(abs(x))*pi", r"\sqrt{\left|x\right|} \cdot \pi"),
        ("exp(-x)", r"\exp\left(-x\right)"),
        ("max(x, y)", r"\max\left(x, y\right)"),
    ],
)
def test_latex(text, latex):
    assert expression_to_latex(text) == latex


# --------------------------------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------------------------------

FORMULA_ALPHABET = "xyzep0123456789.+-*/()_, ^%[]'=<>:jabcdgilmnoqrstuvw\n\t"


@PROPERTY_SETTINGS
@given(st.one_of(st.text(max_size=80), st.text(FORMULA_ALPHABET, max_size=60)))
def test_any_text_parses_or_raises_expression_error(text):
    try:
        f = parse_expression(text)
    except ExpressionError as error:
        assert "column" in str(error)
        return
    value = f(jnp.asarray([0.5, -1.5]), {})  # whatever parsed must evaluate, maybe to inf/nan
    assert value.shape == ()


# A random valid formula: its text (fully parenthesized) and a NumPy reference that follows the tree.
UNARY = {
    "exp": np.exp,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
    "abs": np.abs,
    "sqrt": np.sqrt,
    "log": np.log,
    "arctan": np.arctan,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
}
BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}

TINY = np.finfo(np.float64).tiny


def _ftz(value):
    """XLA on CPU flushes subnormal numbers to zero; the reference does the same at every node."""
    return np.where(np.abs(value) < TINY, 0.0 * value, value)


leaves = st.one_of(
    st.just(("x", lambda x, y: x)),
    st.just(("y", lambda x, y: y)),
    st.just(("pi", lambda x, y: type(x)(np.pi))),
    st.floats(-4.0, 4.0, allow_nan=False, allow_subnormal=False, width=32).map(
        lambda c: (f"({c!r})", lambda x, y, c=c: type(x)(c))
    ),
)


def _extend(children):
    unary = st.tuples(st.sampled_from(sorted(UNARY)), children).map(
        lambda t: (
            f"{t[0]}({t[1][0]})",
            lambda x, y, f=UNARY[t[0]], a=t[1][1]: _ftz(f(a(x, y))),
        )
    )
    negation = children.map(lambda a: (f"(-{a[0]})", lambda x, y, a=a[1]: -a(x, y)))
    binary = st.tuples(st.sampled_from(sorted(BINARY)), children, children).map(
        lambda t: (
            f"({t[1][0]} {t[0]} {t[2][0]})",
            lambda x, y, f=BINARY[t[0]], a=t[1][1], b=t[2][1]: _ftz(f(a(x, y), b(x, y))),
        )
    )
    power = st.tuples(children, st.integers(0, 3)).map(
        lambda t: (f"({t[0][0]})**{t[1]}", lambda x, y, a=t[0][1], n=t[1]: _ftz(a(x, y) ** n))
    )
    return st.one_of(unary, negation, binary, power)


formulas = st.recursive(leaves, _extend, max_leaves=12)
coordinates = st.floats(-3.0, 3.0, allow_nan=False, allow_subnormal=False)


def _agree(a, b, rtol):
    if np.isnan(a) or np.isnan(b):
        return np.isnan(a) and np.isnan(b)
    if np.isinf(a) or np.isinf(b):
        return a == b
    return abs(a - b) <= rtol * max(1.0, abs(a), abs(b))


@PROPERTY_SETTINGS
@given(formulas, coordinates, coordinates)
def test_random_valid_formulas_match_a_numpy_reference(formula, x, y):
    text, reference = formula
    value = evaluate(text, x, y)
    with np.errstate(all="ignore"):
        expected = float(reference(np.float64(x), np.float64(y)))
        # The same tree in extended precision: where the two disagree, the formula is too
        # ill-conditioned at this point (cancellation, overflow) for any float64 comparison.
        extended = float(reference(np.longdouble(x), np.longdouble(y)))
    assume(_agree(expected, extended, 1e-9))
    assert _agree(value, expected, 1e-7), (text, x, y, value, expected)


@contextlib.contextmanager
def no_code_execution(calls: list):
    """Makes eval/exec raise, and compile raise unless it only builds an AST (as ast.parse does)."""
    originals = builtins.eval, builtins.exec, builtins.compile

    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec must never run")

    def ast_only_compile(source, filename, mode, flags=0, *args, **kwargs):
        calls.append(flags)
        if not flags & ast.PyCF_ONLY_AST:
            raise AssertionError("compile() must never build a code object")
        return originals[2](source, filename, mode, flags, *args, **kwargs)

    builtins.eval, builtins.exec, builtins.compile = forbidden, forbidden, ast_only_compile
    try:
        yield
    finally:
        builtins.eval, builtins.exec, builtins.compile = originals


@PROPERTY_SETTINGS
@given(formulas)
def test_no_code_ever_runs(formula):
    text, _ = formula
    calls: list = []
    with no_code_execution(calls):
        f = parse_expression(text)
        f(jnp.asarray([0.3, -0.8]), {})
        expression_to_latex(text)
        with pytest.raises(ExpressionError):
            parse_expression("__import__('os').system('echo hacked')")
    assert calls and all(flags & ast.PyCF_ONLY_AST for flags in calls)


def test_no_code_runs_under_jit_and_grad():
    calls: list = []
    with no_code_execution(calls):
        f = parse_expression("exp(-x**2) * sin(3*y) + abs(x - y)**1.5")
        assert np.all(np.isfinite(np.asarray(jax.jit(jax.grad(f))(jnp.asarray([0.2, 0.9]), {}))))


# ------------------------------------------------------------------------------------------------
# The size of the compiled derivatives is bounded


def _power_chain(levels: int) -> str:
    return "x**" * levels + "y"  # x**(x**(…**y)): every level's derivative keeps the one below


def test_ordinary_formulas_fit_both_bounds():
    beale = "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2"
    for text in ("x**2 + 10*y**2", beale, _power_chain(20)):
        for order in (1, 2):
            parse_expression(text).check_size(order)


def test_a_long_power_chain_is_refused_for_second_order_methods_only():
    chain = parse_expression(_power_chain(30))
    chain.check_size(1)  # its gradient compiles quickly
    with pytest.raises(ExpressionError, match=rf"formula too complex.*at most {MAX_OPERATIONS[2]}"):
        chain.check_size(2)
    longest = parse_expression(_power_chain((MAX_LENGTH - 1) // 3))
    longest.check_size(1)  # the longest formula accepted still has a gradient within bounds


def test_a_run_checks_the_size_before_compiling():
    from optim_lab import RunSpec, run, surface_from_expr

    surface = surface_from_expr(_power_chain(40))
    with pytest.raises(ExpressionError, match="second derivatives"):
        run(surface, RunSpec("newton"), (0.5, 0.5), 20)
    path = run(surface, RunSpec("sgd", {"lr": 0.01}), (0.5, 0.5), 5, details=False)
    assert path.points.shape == (6, 2)
