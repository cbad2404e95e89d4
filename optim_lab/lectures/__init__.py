"""Lecture scripts: a lecture of the course as an ordered list of steps, each a lesson page in a
given state (its URL parameters), a title, a few talking points, the slide's question and,
optionally, a prediction the students make before the run is shown.

Five scripts ship in ``scripts/`` (one per lecture deck of the course, as TOML); a teacher can
write their own in the same schema (:mod:`.schema`) and open it from a file or from a link that
carries the whole script. What a prediction's answer and explanation read off the run is computed
by the readings of :mod:`.readings`. Nothing here imports Streamlit.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .schema import Lecture, parse_script

SCRIPTS = Path(__file__).parent / "scripts"


@cache
def shipped_names() -> tuple[str, ...]:
    """The names of the shipped scripts (their file names without ``.toml``), in the order of
    the decks they follow."""
    names = sorted(path.stem for path in SCRIPTS.glob("*.toml"))
    return tuple(sorted(names, key=lambda name: shipped(name).deck))


@cache
def shipped(name: str) -> Lecture:
    """A shipped script by name (``KeyError`` for an unknown one)."""
    if not (SCRIPTS / f"{name}.toml").is_file() or "/" in name or name.startswith("."):
        raise KeyError(name)
    return parse_script((SCRIPTS / f"{name}.toml").read_text(encoding="utf-8"), "toml")


def shipped_text(name: str) -> str:
    """A shipped script's file, as written (the example a teacher starts from)."""
    if name not in shipped_names():
        raise KeyError(name)
    return (SCRIPTS / f"{name}.toml").read_text(encoding="utf-8")
