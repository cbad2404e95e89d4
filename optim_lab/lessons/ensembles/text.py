"""What the ensembles lesson says, beside the controls and figures it explains."""

TITLE = "Ensembles"
INTRO = (
    "Train several networks instead of one and let them vote: average their predicted class "
    "probabilities. Each network makes its own mistakes, partly because it started from other "
    "random weights and saw the mini-batches in another order; the average cancels part of those "
    "mistakes, so the ensemble usually beats its average member by a few percent. Two cheaper "
    "variants need only one training run: a **snapshot ensemble** keeps the weights at the end "
    "of each cycle of a restarting learning-rate schedule, and **Polyak averaging** tests with "
    "a running average of the weights instead of the last, noisy ones."
)
FORMULAS = (
    r"\bar p(y\mid x) = \frac1K\sum_{k=1}^K p_k(y\mid x)"
    r"\qquad\qquad \bar\theta_t = \beta\,\bar\theta_{t-1} + (1-\beta)\,\theta_t"
)
INDEPENDENT = (
    "K networks with different initial weights and mini-batch orders, all trained together in "
    "one vectorised run. The line shows the ensemble of the first k members, the dots "
    "each member alone and the dashed line the average of those k members alone. Accuracy counts only the winning class; the log-loss also rewards "
    "putting high probability on the right class. Because −ln is convex, the averaged "
    "prediction's log-loss can never be above the average member's (Jensen's inequality)."
)
BOUNDARIES = (
    "Each panel colours the plane by the predicted class (faded where the model is unsure), "
    "with the test points on top. The members agree where the data is dense and disagree in "
    "the gaps and at the edges; the ensemble (last panel) keeps what they agree on "
    "and is unsure where they are not, so its boundary is smoother than any member's."
)
SNAPSHOT = (
    "Train **one** network with cosine annealing and warm restarts (SGDR): the learning rate "
    "falls from α₀ to 0 along a cosine, then jumps back up, K times. At the end of each cycle "
    "the rate is near 0 and the weights sit in a minimum: save them (★). The jump that follows "
    "kicks the network out towards another minimum, so the snapshots differ like independent "
    "members, for the price of a single training run."
)
SNAPSHOT_FORMULA = (
    r"\alpha_t = \tfrac12\,\alpha_0\left(1 + \cos\frac{\pi\,(t \bmod T)}{T}\right),"
    r"\qquad T = \frac{\text{total steps}}{K}"
)
POLYAK = (
    "With mini-batches the weights never settle: they jitter around a minimum, and the last "
    "iterate θ_T is just one random point of that jitter. Polyak averaging keeps an "
    "exponentially weighted average θ̄ of the weights seen during training (here from half-way "
    "on, bias-corrected) and tests with θ̄: nearer the centre of the jitter, at no extra "
    "training cost. K runs (as in section 1, with the learning rate chosen here) are each scored both ways."
)
NOTICE = [
    "The ensemble's log-loss (right panels) is never above the dashed line, the average "
    "log-loss of the same k members alone: averaging probabilities can only help it. "
    "Accuracy usually follows, but on a small test set it moves in steps of one point.",
    "Each extra member helps less than the one before: the ensemble's curves flatten as k "
    "grows, while the cost grows linearly with k.",
    "In the boundary panels the members' odd bulges and islands differ; the ensemble keeps "
    "only what most members agree on.",
    "The snapshot stars sit at the bottoms of the cosine cycles; the later snapshots are "
    "better trained, yet the ensemble of all of them still gains from the early ones' "
    "different mistakes when the cycles are long enough.",
    "Polyak averaging changes only which weights are tested, not the training: with a "
    "large β it smooths away the mini-batch jitter, with a small β it is close to θ_T.",
]
