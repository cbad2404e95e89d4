"""The layers of docs/ARCHITECTURE.md, checked on every module's imports: only ui/ imports
Streamlit; the engine and the figures know nothing of lessons or the UI; no lesson imports
another."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "optim_lab"


def _imports(path: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports (relative imports resolved)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if path.name == "__init__.py":
        module = package
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


MODULES = sorted(PACKAGE.rglob("*.py"))


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else "engine"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_layers(path):
    imports = _imports(path)
    layer = _layer(path)
    if layer != "ui":
        assert not {n for n in imports if n.split(".")[0] == "streamlit"}, (
            "only ui/ imports Streamlit"
        )
        assert not {n for n in imports if n.startswith("optim_lab.ui")}, "only ui/ is above"
    if layer in ("engine", "nn", "figures") and path.name != "docs.py":
        assert not {n for n in imports if n.startswith("optim_lab.lessons")}, (
            "the engine knows no lesson"
        )
    if layer == "figures":
        assert not {n for n in imports if n.startswith("optim_lab.nn")}
    if layer == "lessons" and len(path.relative_to(PACKAGE).parts) > 2:
        own = path.relative_to(PACKAGE).parts[1]
        others = {
            n
            for n in imports
            if n.startswith("optim_lab.lessons.")
            and n.split(".")[2] != own
            and (PACKAGE / "lessons" / n.split(".")[2]).is_dir()
        }
        assert not others, f"the {own} lesson imports another lesson: {sorted(others)}"
