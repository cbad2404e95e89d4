"""Reference tables generated from the registries (``python -m optim_lab.docs`` rewrites them).

``docs/REFERENCE.md`` holds each table between ``<!-- registry:NAME -->`` and ``<!-- /registry:NAME -->``
markers; a test checks they match the registries, so the docs cannot drift from the code.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .optimizers import OPTIMIZERS
from .registry import Entry, HParam, Registry
from .schedules import SCHEDULES
from .surfaces import SURFACES

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "REFERENCE.md"


def _param(p: HParam) -> str:
    default = p.default if isinstance(p.default, str) else f"{p.default:g}"
    scale = ", log" if p.log else ""
    return f"`{p.name}`={default} [{p.min:g}, {p.max:g}{scale}]"


def _table(registry: Registry[Entry]) -> str:
    rows = ["| name | rule | hyper-parameters (default [min, max]) |", "|---|---|---|"]
    for entry in registry:
        params = "<br>".join(_param(p) for p in entry.params) or "—"
        latex = entry.latex.replace("|", r"\vert ")  # a bare | would end the table cell
        rows.append(f"| `{entry.name}` ({entry.label}) | ${latex}$ | {params} |")
    return "\n".join(rows)


TABLES = {"optimizers": OPTIMIZERS, "schedules": SCHEDULES, "surfaces": SURFACES}


def render(text: str) -> str:
    """``text`` with every registry table block replaced by the current table."""
    for name, registry in TABLES.items():
        pattern = re.compile(rf"(<!-- registry:{name} -->).*?(<!-- /registry:{name} -->)", re.S)
        text = pattern.sub(lambda m, r=registry: f"{m.group(1)}\n{_table(r)}\n{m.group(2)}", text)
    return text


def main() -> int:
    text = REFERENCE.read_text()
    REFERENCE.write_text(render(text))
    print(f"updated {REFERENCE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
