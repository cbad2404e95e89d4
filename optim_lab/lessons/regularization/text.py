"""What the regularization lesson says, beside the controls and figures it explains."""

INTRO = (
    "A network with enough weights can memorise its training set, noise included: the training "
    "error keeps falling while the validation error stalls or rises. Regularization is "
    "everything that narrows this gap between training and validation performance: penalties "
    "that keep the weights small, dropout that makes every unit unreliable on purpose, stopping "
    "before the network starts fitting noise, and more (or artificially varied) training data. "
    "Each tab runs one of these on a small problem; the 2-D experiments use a noisy three-arm "
    "spiral with only 135 training points, which a 2-32-32-3 network overfits without help."
)
PENALTIES = (
    "Add a term to the loss that grows with the weights. The optimizer now trades fitting "
    "the data against keeping the weights small, and small weights give smoother decision "
    "boundaries. **L2** (ridge, weight decay) penalises squares, **L1** (lasso) absolute "
    "values, the **elastic net** both. Only the weight matrices are penalised, not the "
    "biases."
)
PENALTIES_FORMULA = (
    r"J(\theta) = \frac1N \sum_{n=1}^N \ell\big(y_n, f(x_n;\theta)\big)"
    r" + \lambda_1 \sum_{l,i,j} |W^{(l)}_{ij}| + \frac{\lambda_2}{2} \sum_{l,i,j} \big(W^{(l)}_{ij}\big)^2"
)
PENALTY_CHOICES = (
    r"\text{L2: } (\lambda_1, \lambda_2) = (0, \lambda) \qquad"
    r"\text{L1: } (\lambda, 0) \qquad"
    r"\text{elastic net: } \big(\tfrac\lambda2, \tfrac\lambda2\big)"
)
SHRINKAGE = (
    "Look at what the penalty alone does to one weight in one gradient step of size α. "
    "The gradient of the L2 term is λw: the pull is **proportional** to the weight, so it "
    "shrinks a weight by the same *fraction* each step, and the pull fades as the weight "
    "gets small — it never lands on 0. The (sub)gradient of the L1 term is λ·sign(w): a "
    "**constant-size** pull, as strong for a tiny weight as for a large one. A weight the "
    "data does not defend is pushed all the way to 0. Plain subgradient steps would "
    "overshoot and jitter around 0, so L1 is applied as a soft-threshold that stops at 0 "
    "(a proximal step): any weight within αλ of 0 becomes exactly 0."
)
SHRINKAGE_FORMULAS = (
    r"\text{L2: } w \leftarrow w - \alpha(g + \lambda w) \qquad"
    r"\text{L1: } w \leftarrow \operatorname{sign}(v)\max\big(|v| - \alpha\lambda,\ 0\big),"
    r"\quad v = w - \alpha g"
)
PENALTIES_NOTICE = [
    "At λ = 0 the training accuracy is near 100 % and the boundary wraps around single "
    "noisy points: a gap of about 10 points between training and validation.",
    "As λ grows the gap shrinks; a moderate λ (around 1e-3 to 1e-2 here) keeps or "
    "improves validation accuracy with a smoother boundary. Too large a λ underfits: "
    "both accuracies fall together.",
    "The validation loss of the unpenalised network bottoms out and then creeps up "
    "while its training loss keeps falling; with a penalty both level off.",
    "L1 sets weights exactly to 0 at every λ > 0 (most of them from λ ≈ 3e-3 on); L2 "
    "sets none at any λ: L1 gives sparse networks, L2 only small ones. The elastic "
    "net sits in between.",
    "L1 is rarely the best choice for accuracy in practice; L2 is the everyday "
    "default (often as weight decay in the optimizer).",
]
DROPOUT = (
    "During training, every hidden unit is kept with probability p and otherwise set to 0, "
    "with a fresh random mask at every forward pass. No unit can rely on any particular other "
    "unit being there, so the network learns redundant features; it also behaves like an "
    "ensemble of many thinned networks that share their weights. At test time nothing is "
    "dropped, so the outputs must be rescaled to match what the next layer saw on average "
    "during training. Take one neuron with two inputs x and y:"
)
DROPOUT_NEURON = (
    r"a = w_1 x\, m_1 + w_2 y\, m_2,\quad m_i \sim \mathrm{Bernoulli}(p)"
    r"\quad\Rightarrow\quad \mathbb E[a] = p\,(w_1 x + w_2 y)"
)
DROPOUT_HALF = (
    r"p = \tfrac12:\quad \mathbb E[a] = \tfrac14(w_1x + w_2y) + \tfrac14 w_1x"
    r" + \tfrac14 w_2y + \tfrac14\cdot 0 = \tfrac12(w_1x + w_2y)"
)
DROPOUT_MODES = (
    r"\text{vanilla: train } a,\ \text{test } p\,(w_1x + w_2y) \qquad"
    r"\text{inverted: train } a / p,\ \text{test } w_1x + w_2y"
)
DROPOUT_GAP = (
    "The same noisy spiral with a 2-64-64-3 network trained by Adam for 600 steps, dropout "
    "after both hidden layers, four keep probabilities trained together from the same "
    "initial weights. Losses are measured in test mode (no units dropped)."
)
DROPOUT_NOTICE = [
    "With p = ½ the expectation is exactly half of w₁x + w₂y, as the four equally "
    "likely masks show; for any p it is p·(w₁x + w₂y).",
    "Both running means wander for a few masks and settle on their test-time output: "
    "vanilla on p·(w₁x + w₂y), inverted on w₁x + w₂y. Same masks, same information; "
    "the two differ only in where the factor p is applied.",
    "Inverted dropout is the usual choice: the scaling happens during training, so "
    "the test-time network is the plain network with nothing to remember.",
    "Without dropout (p = 1) the training loss reaches almost 0 and the validation "
    "loss climbs back up; smaller p keeps the training loss higher and the gap "
    "between the two losses smaller. Too small a p starts to underfit.",
    "Validation *accuracy* hardly moves on this small, noisy problem (the overlap "
    "of the arms caps it near 88 %); the gain is in the validation loss: fewer "
    "confidently wrong answers. Dropout pays off most in large networks.",
]
STOPPING = (
    "Keep an eye on the validation loss while training. Remember the weights with the "
    "lowest validation loss so far; when it has not improved for **patience** evaluations "
    "in a row, stop and restore those best weights. The number of steps becomes a "
    "hyper-parameter tuned for free. Below, the network is evaluated on the validation set "
    "at every step (the noisy spiral, a 2-64-64-3 network, Adam with learning rate 0.01)."
)
STOPPING_FORMULA = (
    r"t^\star = \arg\min_{t \le T} L_{val}(\theta_t),\qquad"
    r"\text{stop at the first } T \text{ with } T - t^\star \ge \text{patience},"
    r"\qquad \text{restore } \theta_{t^\star}"
)
STOPPING_NOTICE = [
    "The training loss keeps falling; the validation loss falls, bottoms out at the "
    "star and rises as the network starts fitting noise.",
    "The restored weights are the star's, not the last ones: the stop comes "
    "`patience` evaluations after the best one.",
    "Small patience stops early but risks stopping at a bump of a noisy curve; large "
    "patience trains longer for the same restored weights.",
    "Early stopping is a regularizer that costs nothing: it needs only a validation "
    "set and a copy of the best weights. Its downside is that one knob (steps) now "
    "controls both optimization and regularization.",
]
DATA = (
    "More training data is the most reliable regularizer: the more examples, the harder it "
    "is to memorise them all. When no new data can be collected, make new examples from the "
    "old ones with changes that do not change the label, here small moves of 8×8 "
    "handwritten digits and pixel noise. The network sees a different version of each image, "
    "so it must learn what the versions have in common."
)
AUGMENTATION_FORMULA = (
    r"\tilde x = \operatorname{shift}_{\delta}(x) + \varepsilon,\qquad"
    r"\delta \sim U[-s, s]^2,\ \varepsilon \sim \mathcal N(0, \sigma^2 I),\qquad"
    r"\tilde y = y"
)
DATA_NOTICE = [
    "On the validation images as they are (centred, like the training images) "
    "augmentation changes little: a point or two either way.",
    "Move the validation images by up to a pixel and the network trained on the "
    "originals loses a large share of its accuracy; the one trained with moved copies "
    "keeps much more. Augmentation teaches exactly the invariances you build in.",
    "Set the largest move to 0: noise alone does not buy robustness to moves.",
    "Training accuracy stays at 100 % for every training-set size; validation accuracy "
    "climbs with more images and the gap closes. The curve flattens: each doubling "
    "buys less.",
]

GEOMETRY_BUDGET = 1.0
GEOMETRY = (
    "**The same penalty as a budget.** Minimising the loss plus λ·penalty gives the same weights "
    "as minimising the loss alone within a budget, penalty ≤ t (a larger λ, a smaller t). Below, "
    "a loss of two weights whose lowest point lies off both axes: the lowest contour that touches "
    "the L1 diamond touches it at a corner, on an axis, so one weight is exactly 0; the L2 disc is "
    "round, and the contour touches it where both weights are non-zero."
)


def geometry_caption(l1_best, l2_best) -> str:
    return (
        f"Budget t = {GEOMETRY_BUDGET:g}: in the diamond the lowest loss is at "
        f"w = ({l1_best[0]:.3f}, {l1_best[1]:.3f}); in the disc at "
        f"w = ({l2_best[0]:.3f}, {l2_best[1]:.3f})."
    )
