"""Registries: one description per optimizer, surface, schedule, dataset... that drives UI, CLI and tests.

An :class:`Entry` names a thing, gives its LaTeX formula and declares its hyper-parameters as
:class:`HParam` specs (default, range, log scale, help). ``Entry.resolve`` turns user overrides
(from widgets, ``--set k=v`` or URL parameters) into a validated dict of floats, with messages that
say what was wrong.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

MAX_LIST_ITEMS = 8


@dataclass(frozen=True)
class HParam:
    """One hyper-parameter: its default and the range a user may choose from.

    Args:
        name: key used in code, the CLI (``--set name=value``) and URLs.
        label: short label for the UI, may contain unicode math (α, β₁).
        default: default value.
        min: smallest allowed value (inclusive).
        max: largest allowed value (inclusive).
        log: whether the range is best explored on a log scale.
        help: one sentence for tooltips and ``--help``.
        integer: the value must be a whole number (a step count, a flag).
        choices: for flags, the allowed values (e.g. ``(0, 1)``).
        kind: ``"number"``, or ``"int_list"`` for comma-separated whole numbers in [min, max]
            (e.g. milestones ``"30,80"``), resolved to a sorted tuple.
    """

    name: str
    label: str
    default: float | str
    min: float
    max: float
    log: bool = False
    help: str = ""
    integer: bool = False
    choices: tuple[float, ...] | None = None
    kind: str = "number"

    def validate(self, value: Any) -> Any:
        """Returns ``value`` as a float in range, or raises ``ValueError`` saying why not."""
        if self.kind == "int_list":
            return self._validate_list(value)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.name} must be a number, got {value!r}") from None
        shown = repr(value) if isinstance(value, str) else f"{number:g}"
        if not math.isfinite(number):
            raise ValueError(f"{self.name} must be finite, got {shown}")
        if self.choices is not None and number not in self.choices:
            allowed = ", ".join(f"{c:g}" for c in self.choices)
            raise ValueError(f"{self.name} must be one of {allowed}, got {shown}")
        if self.integer and number != int(number):
            raise ValueError(f"{self.name} must be a whole number, got {shown}")
        if not self.min <= number <= self.max:
            raise ValueError(
                f"{self.name} must be between {self.min:g} and {self.max:g}, got {number:g}"
            )
        return number

    def _validate_list(self, value: Any) -> tuple[int, ...]:
        items = value if isinstance(value, list | tuple) else str(value).replace(" ", "").split(",")
        items = [item for item in items if item != ""]
        if len(items) > MAX_LIST_ITEMS:
            raise ValueError(
                f"{self.name} takes at most {MAX_LIST_ITEMS} numbers, got {len(items)}"
            )
        numbers = []
        for item in items:
            try:
                number = float(item)
            except (TypeError, ValueError):
                raise ValueError(
                    f"{self.name} must be comma-separated whole numbers, got {value!r}"
                ) from None
            if (
                not math.isfinite(number)
                or number != int(number)
                or not self.min <= number <= self.max
            ):
                raise ValueError(
                    f"{self.name}: {item!r} is not a whole number between {self.min:g} and {self.max:g}"
                )
            numbers.append(int(number))
        return tuple(sorted(numbers))

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "default": self.default,
            "min": self.min,
            "max": self.max,
            "log": self.log,
            "integer": self.integer,
            "choices": list(self.choices) if self.choices is not None else None,
            "help": self.help,
        }


@dataclass(frozen=True)
class Entry:
    """A registered thing: a name, a label, its formula in LaTeX and its hyper-parameters."""

    name: str
    label: str
    latex: str
    params: tuple[HParam, ...] = ()
    description: str = ""

    def param(self, name: str) -> HParam:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise ValueError(f"{self.label} has no parameter {name!r} (known: {known})")

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.validate(p.default) for p in self.params}

    def resolve(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults updated with validated ``overrides``; unknown names raise ``ValueError``."""
        values = self.defaults()
        for key, value in (overrides or {}).items():
            values[key] = self.param(key).validate(value)
        return values

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "latex": self.latex,
            "description": self.description,
            "params": [p.as_dict() for p in self.params],
        }


E = TypeVar("E", bound=Entry)


@dataclass
class Registry(Generic[E]):
    """An ordered name -> entry map with a helpful error for unknown names."""

    kind: str
    entries: dict[str, E] = field(default_factory=dict)

    def add(self, entry: E) -> E:
        if entry.name in self.entries:
            raise ValueError(f"duplicate {self.kind} {entry.name!r}")
        self.entries[entry.name] = entry
        return entry

    def __getitem__(self, name: str) -> E:
        try:
            return self.entries[name]
        except KeyError:
            known = ", ".join(self.entries)
            raise ValueError(f"unknown {self.kind} {name!r} (choose from: {known})") from None

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def __iter__(self) -> Iterator[E]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def names(self) -> list[str]:
        return list(self.entries)

    def index(self, name: str) -> int:
        self[name]  # raises the helpful error for unknown names
        return self.names().index(name)


def parse_assignments(items: list[str] | None) -> dict[str, str]:
    """Parses ``["lr=0.1", "beta=0.9"]`` into a dict, raising ``ValueError`` on malformed items."""
    result: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"expected name=value, got {item!r}")
        result[key.strip()] = value.strip()
    return result
