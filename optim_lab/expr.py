r"""A safe parser for user formulas :math:`f(x, y)`, turned into JAX functions without running code.

The text is parsed by :func:`ast.parse` (parsing only: no code object is ever compiled, and nothing
is evaluated), then a **whitelist** of syntax is walked and every node becomes a small Python
closure over ``jax.numpy`` operations::

    f = parse_expression("x**2 + 10*sin(y)")
    f(jnp.array([1.0, 2.0]), {})        # jit-safe, differentiable, twice differentiable

Allowed: the names ``x``, ``y``, ``pi`` and ``e``; int and float numbers; ``+ - * / **``; unary
``-``/``+``; parentheses; calls of the functions in :data:`FUNCTIONS` with positional arguments.
Anything else (attributes, subscripts, strings, keywords, lambdas, comprehensions, other names...)
raises :class:`ExpressionError`, whose message says what is wrong and at which column.
"""

from __future__ import annotations

import ast
import functools
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

MAX_LENGTH = 500
"""Longest formula accepted, in characters."""

MAX_DEPTH = 200
"""Deepest accepted nesting of operations (protects the recursive tree walk)."""

MAX_OPERATIONS = {1: 4000, 2: 1500}
"""Most operations a formula's gradient (order 1) or Hessian (order 2, for second-order methods)
may take once traced. XLA's compile time grows faster than their number: a Hessian of 1,000
operations compiles in under a second, one of 5,000 takes tens of seconds and a gigabyte."""

# Integer exponent literals up to this size use exact repeated multiplication (x**2 at x < 0 is
# fine and its derivatives are clean); larger ones use the general floating-point power.
_MAX_INTEGER_POWER = 64

Scalar = Any
Evaluator = Callable[[Scalar, Scalar], Scalar]


def _sigmoid(a):
    return jax.nn.sigmoid(a)


def _softplus(a):
    return jax.nn.softplus(a)


def _relu(a):
    return jnp.maximum(a, 0.0)


FUNCTIONS: dict[str, tuple[Callable[..., Scalar], int]] = {
    "exp": (jnp.exp, 1),
    "log": (jnp.log, 1),
    "log2": (jnp.log2, 1),
    "log10": (jnp.log10, 1),
    "log1p": (jnp.log1p, 1),
    "sqrt": (jnp.sqrt, 1),
    "abs": (jnp.abs, 1),
    "sign": (jnp.sign, 1),
    "sin": (jnp.sin, 1),
    "cos": (jnp.cos, 1),
    "tan": (jnp.tan, 1),
    "sinh": (jnp.sinh, 1),
    "cosh": (jnp.cosh, 1),
    "tanh": (jnp.tanh, 1),
    "arcsin": (jnp.arcsin, 1),
    "asin": (jnp.arcsin, 1),
    "arccos": (jnp.arccos, 1),
    "acos": (jnp.arccos, 1),
    "arctan": (jnp.arctan, 1),
    "atan": (jnp.arctan, 1),
    "sigmoid": (_sigmoid, 1),
    "softplus": (_softplus, 1),
    "relu": (_relu, 1),
    "min": (jnp.minimum, 2),
    "max": (jnp.maximum, 2),
    "pow": (jnp.power, 2),
    "atan2": (jnp.arctan2, 2),
    "arctan2": (jnp.arctan2, 2),
}
"""The functions a formula may call: name -> (JAX implementation, number of arguments)."""

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
VARIABLES = ("x", "y")

_HELP = (
    "use x, y, numbers, + - * / ** ( ) and "
    + ", ".join(dict.fromkeys(name for name in FUNCTIONS if name not in ("asin", "acos", "atan")))
    + ", pi, e"
)


class ExpressionError(ValueError):
    """A formula that is not allowed or does not parse; the message gives the column.

    Attributes:
        column: 1-based column of the problem in the text (``None`` when it concerns the whole text).
    """

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.column = column


def _char_index(text: str, byte_offset: int | None) -> int:
    """0-based character index of a UTF-8 byte offset that the AST reports for line 1 of ``text``.

    The text given to the parser never contains newlines (they are replaced by spaces first), so
    line 1 is the whole text.
    """
    if byte_offset is None:
        return len(text)
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def _next_symbol(text: str, start: int, symbols: str) -> int | None:
    """Index of the first character in ``symbols`` at or after ``start``, skipping spaces and ')'."""
    index = start
    while index < len(text) and text[index] in " )":
        index += 1
    if index < len(text) and text[index] in symbols:
        return index
    return None


def _focus(text: str, node: ast.AST) -> int:
    """1-based column that best points at a refused node: its operator, dot or bracket if any."""
    start = _char_index(text, getattr(node, "col_offset", None))
    after = None
    symbols = ""
    if isinstance(node, ast.Attribute | ast.Subscript):
        after, symbols = node.value, ".["
    elif isinstance(node, ast.BinOp):
        after, symbols = node.left, "^/%@&|<>*+-"
    elif isinstance(node, ast.Compare):
        after, symbols = node.left, "<>=!in"
    elif isinstance(node, ast.BoolOp):
        after, symbols = node.values[0], "ao"
    elif isinstance(node, ast.IfExp):
        after, symbols = node.body, "i"
    elif isinstance(node, ast.Tuple) and node.elts:
        after, symbols = node.elts[0], ","
    if after is not None:
        index = _next_symbol(
            text, _char_index(text, getattr(after, "end_col_offset", None)), symbols
        )
        if index is not None:
            return index + 1
    return start + 1


def _describe(node: ast.AST) -> str:
    """A short human name for a syntax node that is not allowed."""
    names = {
        ast.Attribute: "attribute access ('.')",
        ast.Subscript: "indexing ('[...]')",
        ast.Lambda: "lambda",
        ast.IfExp: "'if ... else'",
        ast.Tuple: "a tuple (',')",
        ast.List: "a list",
        ast.Set: "a set",
        ast.Dict: "a dict",
        ast.ListComp: "a comprehension",
        ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension",
        ast.GeneratorExp: "a generator expression",
        ast.Compare: "a comparison",
        ast.BoolOp: "'and'/'or'",
        ast.Starred: "'*' unpacking",
        ast.NamedExpr: "':='",
        ast.JoinedStr: "an f-string",
        ast.Await: "'await'",
        ast.Yield: "'yield'",
        ast.YieldFrom: "'yield'",
        ast.Slice: "a slice",
    }
    for kind, name in names.items():
        if isinstance(node, kind):
            return name
    return type(node).__name__


def _divide(a: Scalar, b: Scalar) -> Scalar:
    """``a / b``; two plain numbers divide like floats (1/0 = inf), never raising."""
    if isinstance(a, float) and isinstance(b, float):
        with np.errstate(all="ignore"):
            return float(np.float64(a) / np.float64(b))
    return a / b


_BINARY_OPS: dict[type, Callable[[Scalar, Scalar], Scalar]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: _divide,
}

_OPERATOR_HINTS = {
    ast.BitXor: "'^' is not a power; use ** (x**2)",
    ast.FloorDiv: "'//' is not allowed; use /",
    ast.Mod: "'%' is not allowed",
    ast.MatMult: "'@' is not allowed",
    ast.BitAnd: "'&' is not allowed",
    ast.BitOr: "'|' is not allowed",
    ast.LShift: "'<<' is not allowed",
    ast.RShift: "'>>' is not allowed",
}


def integer_exponent(node: ast.AST) -> int | None:
    """The exponent of ``a ** n`` when n is a small integer literal (possibly negated), else None."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if (
        isinstance(node, ast.Constant)
        and type(node.value) is int
        and abs(node.value) <= _MAX_INTEGER_POWER
    ):
        return sign * node.value
    return None


def _integer_power(base: Scalar, n: int) -> Scalar:
    return jax.lax.integer_pow(jnp.asarray(base), n)


class _Builder:
    """Walks the whitelisted AST and returns an evaluator ``(x, y) -> value`` made of closures."""

    def __init__(self, text: str):
        self.text = text

    def error(self, message: str, node: ast.AST) -> ExpressionError:
        column = _focus(self.text, node)
        return ExpressionError(f"{message} at column {column}; {_HELP}", column)

    def build(self, node: ast.AST, depth: int = 0) -> Evaluator:
        if depth > MAX_DEPTH:
            raise self.error(f"formula nested too deeply (more than {MAX_DEPTH} levels)", node)
        if isinstance(node, ast.Expression):
            return self.build(node.body, depth + 1)
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node, depth)
        if isinstance(node, ast.BinOp):
            return self.binary(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise self.error(f"{_describe(node)} is not allowed", node)

    def constant(self, node: ast.Constant) -> Evaluator:
        value = node.value
        if type(value) not in (int, float):
            kind = {
                str: "a string",
                bytes: "bytes",
                bool: "True/False",
                complex: "a complex number",
            }
            what = kind.get(type(value), repr(value))
            raise self.error(f"{what} is not allowed", node)
        try:
            number = float(value)
        except OverflowError:  # an integer literal too large for a float
            number = math.inf
        return lambda x, y: number

    def name(self, node: ast.Name) -> Evaluator:
        if node.id == "x":
            return lambda x, y: x
        if node.id == "y":
            return lambda x, y: y
        if node.id in CONSTANTS:
            number = CONSTANTS[node.id]
            return lambda x, y: number
        if node.id in FUNCTIONS:
            raise self.error(f"function {node.id!r} must be called, as in {node.id}(x)", node)
        raise self.error(f"unknown name {node.id!r}", node)

    def unary(self, node: ast.UnaryOp, depth: int) -> Evaluator:
        if isinstance(node.op, ast.USub):
            operand = self.build(node.operand, depth + 1)
            return lambda x, y: -operand(x, y)
        if isinstance(node.op, ast.UAdd):
            return self.build(node.operand, depth + 1)
        symbol = {ast.Not: "'not'", ast.Invert: "'~'"}.get(type(node.op), "this operator")
        raise self.error(f"{symbol} is not allowed", node)

    def binary(self, node: ast.BinOp, depth: int) -> Evaluator:
        op = type(node.op)
        if op in _OPERATOR_HINTS:
            raise self.error(_OPERATOR_HINTS[op], node)
        left = self.build(node.left, depth + 1)
        right = self.build(node.right, depth + 1)
        if op is ast.Pow:
            exponent = integer_exponent(node.right)
            if exponent is not None:
                return lambda x, y: _integer_power(left(x, y), exponent)
            return lambda x, y: jnp.power(left(x, y), right(x, y))
        if op in _BINARY_OPS:
            fn = _BINARY_OPS[op]
            return lambda x, y: fn(left(x, y), right(x, y))
        raise self.error(f"operator {op.__name__} is not allowed", node)

    def call(self, node: ast.Call, depth: int) -> Evaluator:
        if not isinstance(node.func, ast.Name):
            raise self.error("only calls of the listed functions are allowed", node)
        name = node.func.id
        if name not in FUNCTIONS:
            raise self.error(f"unknown function {name!r}", node)
        if node.keywords:
            raise self.error(f"keyword arguments are not allowed in {name}()", node.keywords[0])
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.error(f"'*' unpacking is not allowed in {name}()", arg)
        fn, arity = FUNCTIONS[name]
        if len(node.args) != arity:
            plural = "argument" if arity == 1 else "arguments"
            raise self.error(f"{name}() takes {arity} {plural}, got {len(node.args)}", node)
        args = [self.build(arg, depth + 1) for arg in node.args]
        if arity == 1:
            (a,) = args
            return lambda x, y: fn(a(x, y))
        a, b = args
        return lambda x, y: fn(a(x, y), b(x, y))


def _parse_tree(text: str) -> tuple[ast.Expression, str]:
    """Checks the raw text and parses it (AST only); returns the tree and the normalized text."""
    if not isinstance(text, str):
        raise ExpressionError(f"the formula must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"formula too long ({len(text)} characters, at most {MAX_LENGTH}) at column "
            f"{MAX_LENGTH + 1}",
            MAX_LENGTH + 1,
        )
    # One character for one character, so columns stay those of the user's text.
    normalized = "".join(" " if c in "\t\n\r\f\v" else c for c in text)
    for index, char in enumerate(normalized):
        if ord(char) < 32 or ord(char) == 127:
            raise ExpressionError(
                f"invalid character {char!r} at column {index + 1}; {_HELP}", index + 1
            )
    if not normalized.strip():
        raise ExpressionError("empty formula at column 1; " + _HELP, 1)
    stripped = normalized.lstrip(" ")
    indent = len(normalized) - len(stripped)
    try:
        with warnings.catch_warnings():  # e.g. invalid escape sequences in a string literal
            warnings.simplefilter("ignore")
            tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        column = (exc.offset or len(stripped) + 1) + indent
        if exc.lineno not in (None, 1):  # cannot happen for one line, but keep columns honest
            column = len(normalized) + 1
        column = max(1, min(column, len(normalized) + 1))
        message = exc.msg or "invalid syntax"
        near = normalized[column - 1] if column <= len(normalized) else ""
        where = f" near {near!r}" if near.strip() else (" at the end" if not near else "")
        raise ExpressionError(f"{message}{where} at column {column}; {_HELP}", column) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(
            f"formula nested too deeply at column 1 (at most {MAX_DEPTH} levels)", 1
        ) from None
    except ValueError as exc:  # e.g. an integer literal with too many digits
        raise ExpressionError(f"{exc} at column 1; {_HELP}", 1) from None
    if indent:  # positions in the user's text, leading spaces included
        for node in ast.walk(tree):
            for attribute in ("col_offset", "end_col_offset"):
                if getattr(node, attribute, None) is not None:
                    setattr(node, attribute, getattr(node, attribute) + indent)
    return tree, normalized


@dataclass(frozen=True, eq=False)
class Expression:
    """A parsed formula :math:`f(x, y)`: call it as ``f(xy, sp)`` (``sp`` is ignored).

    Two expressions with the same text are equal and hash alike, so a surface built from the same
    text hits the same ``jax.jit`` cache entry.

    Attributes:
        text: the formula as the user typed it.
    """

    text: str
    _evaluate: Evaluator = field(repr=False, compare=False)

    def __call__(self, xy: jax.Array, sp: Mapping[str, Any] | None = None) -> jax.Array:
        xy = jnp.asarray(xy)
        if not jnp.issubdtype(xy.dtype, jnp.floating):
            xy = xy.astype(jnp.result_type(float))
        value = self._evaluate(xy[0], xy[1])
        return jnp.asarray(value, dtype=xy.dtype)

    def check_size(self, order: int) -> None:
        """Raises :class:`ExpressionError` if the gradient (``order`` 1) or the Hessian (2) is over
        :data:`MAX_OPERATIONS` (see there)."""
        size, limit = _derivative_operations(self, order), MAX_OPERATIONS[order]
        if size > limit:
            what = "second derivatives (Newton-type methods)" if order == 2 else "gradient"
            raise ExpressionError(
                f"formula too complex: its {what} take {size} operations, at most {limit}; "
                "try a shorter formula" + (" or a first-order optimizer" if order == 2 else "")
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("optim_lab.expr.Expression", self.text))


def _operations(jaxpr) -> int:
    """Equations of a traced program, those of nested programs (jit, custom derivatives) included."""
    total = 0
    for equation in jaxpr.eqns:
        total += 1
        for param in equation.params.values():
            for inner in param if isinstance(param, (tuple, list)) else (param,):
                inner = getattr(inner, "jaxpr", inner)  # a closed program holds its program
                if hasattr(inner, "eqns"):
                    total += _operations(inner)
    return total


@functools.lru_cache(maxsize=256)
def _derivative_operations(expression: Expression, order: int) -> int:
    derivative = jax.grad(expression) if order == 1 else jax.hessian(expression)
    return _operations(jax.make_jaxpr(derivative)(jnp.ones(2, jnp.float32)).jaxpr)


def parse_expression(text: str) -> Expression:
    """Parses a formula in x and y into a jit-safe JAX function ``f(xy, sp) -> scalar``.

    Args:
        text: e.g. ``"(1 - x)**2 + 100*(y - x**2)**2"``.

    Returns:
        An :class:`Expression`, callable as ``f(xy, sp)`` with ``xy`` of shape ``(2,)``.

    Raises:
        ExpressionError: the text does not parse or uses something not on the whitelist; the message
            names the problem and its 1-based column.
    """
    tree, normalized = _parse_tree(text)
    try:
        evaluate = _Builder(normalized).build(tree)
    except RecursionError:
        raise ExpressionError(
            f"formula nested too deeply at column 1 (at most {MAX_DEPTH} levels)", 1
        ) from None
    return Expression(text, evaluate)


# ------------------------------------------------------------------------------------------------
# LaTeX rendering
# ------------------------------------------------------------------------------------------------

_LATEX_FUNCTIONS = {
    "exp": r"\exp",
    "log": r"\log",
    "log2": r"\log_2",
    "log10": r"\log_{10}",
    "sin": r"\sin",
    "cos": r"\cos",
    "tan": r"\tan",
    "sinh": r"\sinh",
    "cosh": r"\cosh",
    "tanh": r"\tanh",
    "arcsin": r"\arcsin",
    "asin": r"\arcsin",
    "arccos": r"\arccos",
    "acos": r"\arccos",
    "arctan": r"\arctan",
    "atan": r"\arctan",
    "sigmoid": r"\sigma",
    "sign": r"\operatorname{sign}",
    "softplus": r"\operatorname{softplus}",
    "relu": r"\operatorname{ReLU}",
    "log1p": r"\operatorname{log1p}",
    "min": r"\min",
    "max": r"\max",
    "atan2": r"\operatorname{atan2}",
    "arctan2": r"\operatorname{atan2}",
}

# Binding strength of each rendered form: a child binding less tightly than its context is wrapped in
# parentheses.
_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = 1, 2, 3, 4, 5


def _number_latex(value: float | int) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isinf(value):
        return r"\infty"
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    return text


def _paren(latex: str) -> str:
    return rf"\left({latex}\right)"


def _latex(node: ast.AST) -> tuple[str, int]:
    """LaTeX of an already validated node and its binding strength."""
    if isinstance(node, ast.Expression):
        return _latex(node.body)
    if isinstance(node, ast.Constant):
        return _number_latex(node.value), _ATOM
    if isinstance(node, ast.Name):
        return (r"\pi" if node.id == "pi" else node.id), _ATOM
    if isinstance(node, ast.UnaryOp):
        inner, strength = _latex(node.operand)
        if strength < _POWER:
            inner = _paren(inner)
        return ("-" + inner if isinstance(node.op, ast.USub) else inner), _UNARY
    if isinstance(node, ast.BinOp):
        left, ls = _latex(node.left)
        right, rs = _latex(node.right)
        if isinstance(node.op, ast.Div):
            return rf"\frac{{{left}}}{{{right}}}", _ATOM
        if isinstance(node.op, ast.Pow):
            if ls <= _POWER:  # (a^b)^c and (-a)^b need parentheses
                left = _paren(left)
            return f"{{{left}}}^{{{right}}}", _POWER
        if isinstance(node.op, ast.Mult):
            left = _paren(left) if ls < _PRODUCT else left
            right = _paren(right) if rs <= _UNARY else right
            return rf"{left} \cdot {right}", _PRODUCT
        # Add / Sub: the right operand of a subtraction needs parentheses when it is a sum.
        if (rs < _PRODUCT and isinstance(node.op, ast.Sub)) or rs == _UNARY:
            right = _paren(right)
        symbol = "+" if isinstance(node.op, ast.Add) else "-"
        return f"{left} {symbol} {right}", _SUM
    if isinstance(node, ast.Call):
        name = node.func.id  # type: ignore[attr-defined]
        args = [_latex(arg)[0] for arg in node.args]
        if name == "sqrt":
            return rf"\sqrt{{{args[0]}}}", _ATOM
        if name == "abs":
            return rf"\left|{args[0]}\right|", _ATOM
        if name == "pow":
            base, exponent = node.args
            left, ls = _latex(base)
            if ls <= _POWER:
                left = _paren(left)
            return f"{{{left}}}^{{{_latex(exponent)[0]}}}", _POWER
        command = _LATEX_FUNCTIONS.get(name, rf"\operatorname{{{name}}}")
        return command + _paren(", ".join(args)), _ATOM
    raise ExpressionError(f"cannot render {type(node).__name__}")  # unreachable after validation


def expression_to_latex(text: str) -> str:
    r"""LaTeX for a formula, e.g. ``"x**2/2 + sin(y)"`` → ``\frac{{x}^{2}}{2} + \sin\left(y\right)``.

    Args:
        text: a formula accepted by :func:`parse_expression`.

    Returns:
        The LaTeX string (without ``$`` delimiters).

    Raises:
        ExpressionError: as :func:`parse_expression`.
    """
    tree, normalized = _parse_tree(text)
    try:
        _Builder(normalized).build(tree)  # validate: same refusals as parse_expression
        return _latex(tree)[0]
    except RecursionError:
        raise ExpressionError(
            f"formula nested too deeply at column 1 (at most {MAX_DEPTH} levels)", 1
        ) from None
