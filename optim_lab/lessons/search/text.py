"""What the search lesson says, beside the controls and figures it explains."""

from ...nn.search import LR_RANGE, REG_RANGE

TITLE = "Hyper-parameter search"
INTRO = (
    "The learning rate, the regularization strength and friends are not learned by gradient "
    "descent: we pick them by training many networks and keeping the one with the best "
    "**validation** accuracy. Two choices make this cheap and effective. Search on a **log "
    "scale** (10⁻⁴ and 10⁻³ are as different as 10⁻² and 10⁻¹), and sample the trials at "
    "**random** rather than on a grid. Then search in stages, **coarse → fine**: a few short runs "
    "over a wide box, then more runs in a smaller box around the best ones. Runs whose cost blows "
    "up are stopped at once. Here every trial of a stage trains together in one vectorised run."
)
FORMULA = (
    r"\text{random: }\log_{10}\alpha \sim \mathcal U(a_0, a_1),\ "
    r"\log_{10}\lambda_2 \sim \mathcal U(r_0, r_1)"
    r"\qquad \text{grid: } k = \lfloor\sqrt N\rfloor \text{ values per axis}"
    r"\qquad \text{stop if } J_t > 3\,J_0"
)
COMPARE_TITLE = "1. Grid vs random search, same budget"
COMPARE = (
    "Give both methods the same number of trials N. A grid tries every combination of "
    "√N values per parameter, so with N = 9 it tries only **3 learning rates**. Random search "
    "draws every trial afresh, so it tries **9 different learning rates** (and 9 values of λ₂). "
    "When one parameter matters much more than the other (here usually the learning rate), the "
    "grid wastes most of its budget repeating the same few values of the important one "
    "(Bergstra & Bengio, 2012). The top row projects the trials onto the learning-rate axis: "
    "that one-dimensional picture is all that counts if λ₂ hardly matters."
)
STAGES_TITLE = "2. Coarse → fine"
STAGES = (
    "Stage 1 searches the whole box. Each next stage keeps the best quarter of the previous "
    "stage's trials and searches only their bounding box (at least a quarter of the previous width "
    "per axis), so later trials land where the accuracy is high. A trial whose training cost "
    "passes 3× its starting cost is stopped at that step (✕): it will not recover, and its "
    "remaining steps would be wasted."
)


def notice(grid_rates: int, random_rates: int) -> list[str]:
    """What to notice, with how many learning rates each method tried."""
    return [
        f"Same budget, different coverage: the grid tried {grid_rates} learning rates, "
        f"random search {random_rates}. "
        "In the top row, the grid's points stand in a few columns; random search fills the axis.",
        "Accuracy depends mostly on the learning rate: moving along the λ₂ axis changes little "
        "until λ₂ gets large, moving along α changes everything.",
        "The trials at the largest learning rates explode (✕) within a few steps and are stopped: "
        "their cost curves end early, and they never count as the best.",
        "Each stage's box (dashed) sits inside the previous one, around the best trials; the "
        "later stages' points crowd where the colour is brightest.",
        "The best trial was chosen on the validation split; report its accuracy on a separate "
        "test split, since picking the maximum of many noisy scores flatters it.",
    ]


def setup(hidden: tuple[int, ...], steps: int) -> str:
    """What every trial trains, and the box searched."""
    return (
        f"Every trial: an MLP with hidden layers {', '.join(map(str, hidden))} (ReLU), full-batch "
        f"Adam for {steps} steps from the same initial weights; only α and λ₂ differ. "
        f"Search box: α ∈ [10^{LR_RANGE[0]:g}, 10^{LR_RANGE[1]:g}], λ₂ ∈ [10^{REG_RANGE[0]:g}, "
        f"10^{REG_RANGE[1]:g}]."
    )
