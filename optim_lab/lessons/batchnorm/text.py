"""What the batch-normalization lesson says, beside the controls and figures it explains."""

import numpy as np

TITLE = "Batch normalization"
INTRO = (
    "A layer learns best when its inputs keep a steady scale, yet every update of the layers below "
    "changes that scale. **Batch normalization** resets it inside the network: each unit's "
    "pre-activation is centred and scaled with the statistics of the current mini-batch, then "
    "given back a learned scale γ and shift β. At test time there is no batch to speak of, so "
    "the layer uses running averages of the statistics it saw during training."
)
TRANSFORM = (
    "A mini-batch of the spiral's examples goes through a random first layer; the transform below "
    "is applied to each of its units on its own. Move γ and β to see the last step, and change the "
    "batch size to see how much the batch statistics depend on which examples were drawn."
)
TRANSFORM_FORMULA = (
    r"\mu_B = \frac1m\sum_{i=1}^m z_i,\quad \sigma_B^2 = \frac1m\sum_{i=1}^m (z_i - \mu_B)^2,\quad"
    r"\hat z_i = \frac{z_i - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}},\quad y_i = \gamma\,\hat z_i + \beta"
)
MODES = (
    "During training the layer normalizes with the batch's own μ_B and σ²_B and keeps exponentially "
    "weighted averages of them. In eval mode it uses those averages instead, so an example's "
    "output no longer depends on which other examples share its batch. Train a network with "
    "batch norm for 400 Adam steps at each batch size and test it both ways."
)
RUNNING_FORMULA = (
    r"\mu_{run} \leftarrow m\,\mu_{run} + (1-m)\,\mu_B,\qquad "
    r"\sigma^2_{run} \leftarrow m\,\sigma^2_{run} + (1-m)\,\sigma^2_B\qquad (m = 0.9)"
)
INIT = (
    "The initialization lesson's experiment again: 10 tanh layers of 500 units, 1000 standard "
    "normal inputs, weights drawn as 0.01·randn. Without batch norm the activations shrink "
    "layer after layer until they vanish; normalizing every layer's pre-activations with the batch's statistics "
    "(γ = 1, β = 0, as at the start of training) gives every layer the same spread, whatever the "
    "scale of the weights."
)
RATES = (
    "Four learning rates of plain SGD (mini-batches of 32) on a network of four hidden layers of "
    "32 units, with and without batch norm. Each setting trains its four rates side by side in one "
    "compiled run from the same initial weights."
)
PLACEMENT = (
    "The lectures, like the paper that introduced it, put batch norm between the affine map and "
    "the non-linearity; some practitioners put it after the non-linearity instead. Both are "
    "below, on the four-layer network of section 4 with SGD at α = 0.3."
)
NOTICE = [
    "After the transform every unit has mean 0 and variance just under 1 over the batch "
    "(σ²_B/(σ²_B + ε)); γ and β then set any mean and spread the next layer needs, so nothing is "
    "lost: γ = √(σ²_B + ε) and β = μ_B undo the normalization.",
    "With 2 examples per batch the statistics jump from batch to batch and the network barely "
    "trains; the same network tested in train mode changes its answers with the batch.",
    "In eval mode an example gives the same output alone as inside a batch of 64. In train mode a "
    "batch of one is normalized to exactly 0 in every unit: every example gets the same output.",
    "With batch norm the activations keep their spread through all ten layers even from "
    "0.01·randn, and SGD survives learning rates at which the plain network diverges.",
]


def single_example(alone_gap: float, spread: float) -> str:
    """What the alone-vs-in-a-batch check measured."""
    return (
        f"Eval mode: the first examples' outputs alone and inside a batch of 64 differ by at most "
        f"{alone_gap:.1g} (rounding). Train mode with one example per batch: the outputs of 64 "
        f"different examples spread by {spread:.1g}, all the same."
    )


def placement_result(compare: dict) -> str:
    """Both placements' validation accuracy and final training loss, as measured."""

    def tail(run: dict) -> float:
        return float(np.mean(run["loss"][-50:]))

    before, after = compare["before"], compare["after"]
    return (
        f"Validation accuracy: {before['val_acc']:.1%} before, {after['val_acc']:.1%} after. Mean "
        f"training loss over the last 50 steps: {tail(before):.3f} before, {tail(after):.3f} after."
    )
