"""The lesson map (shared by the navigation and the home page) and page scaffolding."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import streamlit as st

from ..figures.plain import TYPE_SCALE
from ..optimizers import OPTIMIZERS


@dataclass(frozen=True)
class Lesson:
    path: str
    title: str
    icon: str
    summary: str
    default: bool = False


LESSONS: dict[str, list[Lesson]] = {
    "Start": [
        Lesson(
            "pages/lessons/home.py",
            "Home",
            ":material/home:",
            "What optim-lab is and where to begin.",
            default=True,
        ),
        Lesson(
            "pages/lessons/lectures.py",
            "Lectures",
            ":material/co_present:",
            "The course's lectures as scripts of steps: present them, or follow one on your own.",
        ),
    ],
    "Optimization": [
        Lesson(
            "pages/lessons/ewa.py",
            "Weighted averages",
            ":material/show_chart:",
            "Exponentially weighted averages and bias correction: the memory inside momentum and Adam.",
        ),
        Lesson(
            "pages/lessons/arena.py",
            "Optimizer arena",
            ":material/sports_score:",
            "Race up to six optimizers on any surface, step by step.",
        ),
        Lesson(
            "pages/lessons/momentum.py",
            "Momentum",
            ":material/speed:",
            "Why momentum works: the (α, β) map, EWA vs classic form, Nesterov.",
        ),
        Lesson(
            "pages/lessons/adaptive.py",
            "Adaptive methods",
            ":material/tune:",
            "AdaGrad, RMSprop, Adam, Adadelta: a step size per coordinate.",
        ),
        Lesson(
            "pages/lessons/saddles.py",
            "Saddles, plateaus & cliffs",
            ":material/landscape:",
            "Where plain gradient descent gets stuck or thrown, and how clipping helps.",
        ),
        Lesson(
            "pages/lessons/second_order.py",
            "Second-order methods",
            ":material/functions:",
            "Newton and L-BFGS: curvature-aware steps and what they cost.",
        ),
    ],
    "Schedules": [
        Lesson(
            "pages/lessons/schedules.py",
            "LR schedules & range test",
            ":material/schedule:",
            "Decay, cosine, cyclical and warm restarts; finding a learning rate.",
        ),
    ],
    "Training networks": [
        Lesson(
            "pages/lessons/playground.py",
            "Training playground",
            ":material/model_training:",
            "Train a small network live: decision boundary, curves, and optimizers side by side.",
        ),
        Lesson(
            "pages/lessons/activations.py",
            "Activation functions",
            ":material/ssid_chart:",
            "Sigmoid, tanh, ReLU and friends: their slopes, and where the gradient dies.",
        ),
        Lesson(
            "pages/lessons/initialization.py",
            "Weight initialization",
            ":material/stacked_bar_chart:",
            "Too small, too large, Xavier, He: activations and gradients through 10 layers.",
        ),
        Lesson(
            "pages/lessons/batchnorm.py",
            "Batch normalization",
            ":material/align_vertical_center:",
            "The transform on a real batch, train vs eval mode, and why it tolerates larger rates.",
        ),
        Lesson(
            "pages/lessons/preprocessing.py",
            "Data preprocessing",
            ":material/scatter_plot:",
            "Centring, standardizing, PCA and whitening, and why centred inputs train faster.",
        ),
        Lesson(
            "pages/lessons/sanity.py",
            "Sanity checks & babysitting",
            ":material/fact_check:",
            "Loss at step 0, overfitting 20 examples, learning rates, gradient checking, reading curves.",
        ),
    ],
    "Generalization": [
        Lesson(
            "pages/lessons/regularization.py",
            "Regularization",
            ":material/compress:",
            "L1, L2, dropout, early stopping, augmentation and more data: closing the train/val gap.",
        ),
        Lesson(
            "pages/lessons/search.py",
            "Hyper-parameter search",
            ":material/travel_explore:",
            "Random vs grid search, coarse to fine, with every trial of a stage trained at once.",
        ),
        Lesson(
            "pages/lessons/ensembles.py",
            "Ensembles",
            ":material/groups:",
            "Independent models, snapshot ensembles and Polyak averaging.",
        ),
        Lesson(
            "pages/lessons/transfer.py",
            "Transfer learning",
            ":material/swap_horiz:",
            "Reuse a trained network: linear probe vs fine-tuning vs training from scratch.",
        ),
    ],
}


def navigation_pages() -> dict[str, list]:
    """Every lesson as a ``st.Page``, by section, for ``st.navigation``: made once per entry script
    and server (making a page resolves its file on disk), copied for each run, whose navigation
    marks the page it runs."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    lessons = tuple((section, tuple(group)) for section, group in LESSONS.items())
    made = _navigation_pages(ctx.main_script_path if ctx else "", lessons)
    return {section: [copy.copy(page) for page in pages] for section, pages in made}


@cache
def _navigation_pages(main_script: str, lessons: tuple) -> tuple[tuple[str, list], ...]:
    return tuple(
        (
            section,
            [
                st.Page(lesson.path, title=lesson.title, icon=lesson.icon, default=lesson.default)
                for lesson in group
            ],
        )
        for section, group in lessons
    )


def preset_box_key(lesson: Lesson) -> str:
    """The key of the box that lists ``lesson``'s lecture presets on Home (open or closed)."""
    return f"home:presets:{Path(lesson.path).stem}"


def lesson_page(path: str):
    """The lesson at ``path`` as a ``st.page_link`` target. Made once per entry script and server:
    given a path, ``st.page_link`` resolves it on disk and looks it up among the pages each time
    (Home links to every lesson and preset)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return _lesson_page(path, ctx.main_script_path if ctx else "")


@cache
def _lesson_page(path: str, main_script: str):
    lesson = next(lesson for group in LESSONS.values() for lesson in group if lesson.path == path)
    page = lesson.path
    if not (Path(main_script).parent / page).is_file():  # a page run on its own (tests)
        page = str(Path(__file__).resolve().parents[2] / page)
    return st.Page(page, title=lesson.title, icon=lesson.icon)


def presenting() -> bool:
    """Whether this run shows the presenter view (``present=1``, see :mod:`.presenter`)."""
    return st.query_params.get("present") == "1"


#: Figures' type and height in the presenter view, as a multiple of the page's.
PRESENTER_TYPE_SCALE = 1.3


def scale_figures() -> None:
    """Draws this run's figures at the presenter view's size, or at their own. The entry script
    calls it, and so does every fragment: a fragment's rerun runs in a thread of its own."""
    TYPE_SCALE.set(PRESENTER_TYPE_SCALE if presenting() else 1.0)


def page_header(title: str, intro: str) -> None:
    """Title and a one-paragraph plain-words introduction (neither in the presenter view, whose
    lecture bar says what the step is)."""
    if not presenting():
        st.title(title)
        st.markdown(intro)


def update_rules(names) -> None:
    """Each optimizer's update rule, one formula per line, named by its label."""
    for name in names:
        entry = OPTIMIZERS[name]
        st.latex(rf"\text{{{entry.label}:}}\quad " + entry.latex)


def what_to_notice(points: list[str]) -> None:
    if presenting():  # the step's talking points take its place
        return
    st.markdown("#### What to notice\n" + "\n".join(f"- {p}" for p in points))


def stopped_run_notice(
    label: str, diverged_at: int | None, *, escaped: bool = False, hint: str = "", where=st
) -> None:
    """A line for a run that stopped early (nothing for one that ran all its steps): diverged
    (learning rate too high?) or, on a surface with no bottom, escaped downhill, which is no
    failure. ``where`` is the container to write in."""
    if diverged_at is None:
        return
    if escaped:
        where.info(
            f"**{label}** escaped downhill: it left the map at step {diverged_at} (this surface "
            "has no bottom), so its run stops there.",
            icon=":material/directions_run:",
        )
    else:
        where.warning(
            f"**{label}** diverged at step {diverged_at} — learning rate too high?"
            + (f" {hint}" if hint else ""),
            icon=":material/warning:",
        )


def notice(kind: str, message: str, where=st) -> None:
    """A lesson's reading of a result as a coloured box: ``kind`` is ``success``, ``info``,
    ``warning`` or ``error`` (as the lessons' experiments return them)."""
    if kind not in ("success", "info", "warning", "error"):
        raise ValueError(f"unknown notice kind {kind!r}")
    getattr(where, kind)(message)


def number_table(rows, formats: dict[str, str], where=st, **options) -> None:
    """``rows`` (a frame, or what makes one) as a table whose numbers the browser formats, which
    costs the server far less than a pandas Styler. ``formats`` maps columns to printf formats
    (``"%.3g"``), or to ``"percent"`` for fractions shown as percentages with one decimal. A
    missing value shows as a dash."""
    frame = pd.DataFrame(rows)
    percent = [column for column, spec in formats.items() if spec == "percent"]
    frame = frame.assign(**{column: frame[column] * 100 for column in percent})
    config = {
        column: st.column_config.NumberColumn(format="%.1f%%" if spec == "percent" else spec)
        for column, spec in formats.items()
    }
    where.dataframe(
        frame, hide_index=True, width="stretch", column_config=config, placeholder="—", **options
    )
