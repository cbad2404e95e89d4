"""The saddle-points lesson's scenarios: for each surface, its start, the story it tells, the
runs it races (with the controls each shows) and what to notice."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Run:
    """One run of a scenario: ``tag`` names its controls in the URL (``saddle.hb.lr``)."""

    tag: str
    optimizer: str
    label: str
    hparams: dict = field(default_factory=dict)  # defaults of the controls shown
    clip: str | None = None  # "clip_norm" or "clip_value": the scenario's threshold applies
    color: str | None = None  # runs of one optimizer that differ by clipping get their own colour


@dataclass(frozen=True)
class Scenario:
    label: str
    surface: str
    start: tuple[float, float]
    story: str
    runs: tuple[Run, ...]
    notice: tuple[str, ...]
    offset: bool = False  # the start's y is a control (how far off the saddle's axis)
    shared_lr: float | None = None  # one α for every run (the clipping comparison)


SCENARIOS = {
    "saddle": Scenario(
        "Saddle point",
        "saddle",
        (1.0, 1e-3),
        "At a saddle the slope is zero, yet it is no minimum: the surface curves **up** along x "
        "and **down** along y. The runs start almost exactly on the x axis, the one line that leads "
        "straight into the saddle. The gradient first pulls them towards the saddle point, where it "
        "is tiny, and the small sideways offset y₀ grows by only a factor (1 + 2α) per SGD step. "
        "Momentum piles the small sideways pushes up into speed and leaves much sooner; Adam "
        "divides the tiny sideways gradient by its own size, so even that direction gets a "
        "full-length step.",
        (
            Run("sgd", "sgd", "SGD", {"lr": 0.01}),
            Run("hb", "heavy_ball", "Momentum (heavy ball)", {"lr": 0.01, "rho": 0.9}),
            Run("adam", "adam", "Adam", {"lr": 0.01}),
        ),
        (
            "SGD spends most of its steps near the saddle: its gradient norm dives, then climbs "
            "only slowly as it drifts away along y.",
            "Momentum and Adam leave the saddle tens of steps earlier. Where the path leaves the "
            "picture the surface keeps falling forever, so those runs end as *escaped downhill*.",
            "Set y₀ = 0: exactly on the axis no method ever sees a sideways gradient, and all of "
            "them converge to the saddle. In practice minibatch noise supplies the nudge.",
        ),
        offset=True,
    ),
    "monkey": Scenario(
        "Monkey saddle",
        "monkey_saddle",
        (1.5, 1e-3),
        "Three valleys meet at a monkey saddle, and its curvature is **zero** in every direction: "
        "the gradient shrinks with the *square* of the distance, so a run that approaches slows to "
        "a crawl far sooner than at an ordinary saddle. The Hessian is the zero matrix there, so "
        "even curvature information gives no hint of which way is down.",
        (
            Run("sgd", "sgd", "SGD", {"lr": 0.01}),
            Run("hb", "heavy_ball", "Momentum (heavy ball)", {"lr": 0.01, "rho": 0.9}),
            Run("adam", "adam", "Adam", {"lr": 0.02}),
        ),
        (
            "SGD's gradient norm falls steadily as it creeps towards the flat centre: the closer "
            "it gets, the slower it moves.",
            "Momentum keeps its speed, rolls straight through the centre and down the valley on "
            "the other side; Adam's normalised steps escape into another valley.",
        ),
        offset=True,
    ),
    "plateau": Scenario(
        "Plateau",
        "plateau",
        (2.6, 2.0),
        "Far from the basin this surface is almost flat: the gradient is exponentially small, and "
        "so is SGD's step α·g, however long you wait. Momentum accumulates the tiny gradients into "
        "speed; Adam divides by the gradient's own running size, so its steps stay about α long "
        "however flat the ground. (A saturated unit in a network is such a plateau.)",
        (
            Run("sgd", "sgd", "SGD", {"lr": 0.5}),
            Run("hb", "heavy_ball", "Momentum (heavy ball)", {"lr": 0.5, "rho": 0.9}),
            Run("adam", "adam", "Adam", {"lr": 0.05}),
        ),
        (
            "SGD's gradient norm stays around 10⁻³ for the whole run: the loss curve is flat "
            "because the run barely moves, not because it has arrived.",
            "Momentum and Adam cross the plateau and then fall into the basin, where the gradient "
            "first grows, then vanishes at the minimum.",
            "A larger SGD rate helps on the plateau but overshoots in the basin: that trade-off is "
            "what adaptive steps and cyclical schedules address.",
        ),
    ),
    "cliff": Scenario(
        "Cliff & clipping",
        "cliff",
        (-3.0, 1.0),
        "A gentle valley runs into a steep wall. On the wall the gradient is huge (about the wall "
        "slope h), so a single SGD step α·g throws the run far back, or off the map. **Gradient "
        "clipping** limits the step before it is taken. *By norm*: when ‖g‖ > c, rescale g to "
        "length c; the direction is kept. *By value*: clamp each component to [−c, c]; large "
        "components are cut, so the direction can change.",
        (
            Run("raw", "sgd", "SGD, no clipping"),
            Run("norm", "sgd", "SGD, clip by norm", clip="clip_norm", color="#E69F00"),
            Run("value", "sgd", "SGD, clip by value", clip="clip_value", color="#CC79A7"),
        ),
        (
            "The unclipped run's gradient norm spikes to about h each time it touches the wall, "
            "and every spike throws it back down the valley.",
            "Clipped runs never take a step longer than α·c (by norm) or α·c·√2 (by value): they "
            "walk up to the foot of the wall and stay there, within one short step of the minimum.",
            "Raise the wall slope h: the unclipped throws grow with it, the clipped runs do not "
            "change.",
        ),
        shared_lr=0.1,
    ),
}

CLIP_LATEX = (
    r"\text{by norm: } g \leftarrow g\,\min\!\left(1, \frac{c}{\lVert g \rVert}\right)"
    r"\qquad \text{by value: } g_i \leftarrow \max\!\big(-c, \min(c, g_i)\big)"
)
