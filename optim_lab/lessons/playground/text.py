"""What the network playground says, beside the controls and figures it explains."""

from ...nn.training import CHUNK

INTRO = (
    "Pick a dataset, shape a small network and press **Run**: every fraction of a second the "
    "network takes a few more gradient steps and the picture is redrawn. The shaded background is "
    "the class the network would predict at each point (paler where it is unsure); dots are "
    "training examples, crosses are validation examples it never trains on. Turn on *compare* to "
    "train up to four optimizers from the very same initial weights on the very same batches."
)
OBJECTIVE = (
    r"J(\theta) = \frac{1}{|B|}\sum_{i \in B} L(f_\theta(x_i), y_i)"
    r" + \lambda_1 \sum |W| + \frac{\lambda_2}{2} \sum W^2"
)
NOTICE = [
    "Full batch gives smooth curves; mini-batches and single examples make them noisy, but each "
    "iteration is cheaper — compare the iteration count per epoch.",
    "A healthy update/weight ratio sits near 10⁻³ (the green band): far above it the learning rate "
    "is too large, far below it training crawls.",
    "With ReLU and a large learning rate, units can die (the middle panel rises) and the boundary "
    "stops changing in their region.",
    "When the validation curve (dotted) turns up while the training curve keeps falling, the network "
    "is overfitting: try L2, dropout or fewer units.",
    "In compare mode every optimizer starts from the same weights and sees the same batches: any "
    "difference comes from the update rule alone.",
]
COUNTER_HELP = (
    "An iteration is one parameter update on one batch; an epoch is one pass over the training set."
    f" Updates/s: how often the view redraws, each time after {CHUNK} more iterations. When many"
    " students train on the same server at once, they share its redraws."
)


def counter(step: int, iterations_per_epoch: int, rate: float | None) -> str:
    """The training counter: epoch, iteration, iterations per epoch and, while running, the rate."""
    ipe = iterations_per_epoch
    line = (
        f"**epoch {step // ipe} · iteration {step}**  "
        f"({ipe} iteration{'s' if ipe != 1 else ''} per epoch)"
    )
    if rate:
        line += f" · {rate:.1f} updates/s"
    return line


def metric(loss: float | None, held_out: float | None, regression: bool) -> tuple[str, str | None]:
    """A run's latest numbers as a metric's value and delta: the training loss and the validation
    accuracy, or for a regression the training and validation mean squared errors."""
    value = "—" if loss is None else f"{'MSE' if regression else 'loss'} {loss:.3f}"
    if held_out is None:
        return value, None
    return value, f"val MSE {held_out:.3f}" if regression else f"val acc {held_out:.0%}"


DIAGRAM = "**The network**: each square is what one unit computes over the plane."
DIAGRAM_HELP = (
    "Blue is positive, orange negative, white zero; each unit's colours are scaled to its own "
    "largest value. Links are blue for positive weights and orange for negative ones, wider for "
    "larger ones; point at the middle of a link to read its weight."
)


def mistakes_title(total: int, count: int, label: str) -> str:
    """The heading of the misclassified-digits grid (shown in place of a decision boundary)."""
    if not total:
        return f"**{label}: every one of the {count} validation images is classified right.**"
    shown = min(total, 24)
    return (
        f"**{label}: {total} of {count} validation images misclassified** "
        f"(the first {shown}, each as true → predicted)"
    )
