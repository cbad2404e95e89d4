"""What the sanity-checks lesson says, beside the controls and figures it explains."""

import math

TITLE = "Sanity checks & babysitting"
INTRO = (
    "Before spending hours training, run a few cheap checks that catch most bugs: is the loss "
    "right before any training, can the network memorise a handful of examples, how does the "
    "loss react to a far too small and a far too large learning rate, and do the gradients from "
    "backpropagation match gradients measured numerically?"
)
INITIAL_TITLE = "1. The loss before training"
INITIAL = (
    "With small random weights all class scores are close to 0, so the softmax gives every one "
    "of the C classes about the same probability 1/C, and the cross-entropy loss is "
    "−ln(1/C) = ln C (≈ 2.3 for 10 classes). A very different number at step 0 means a bug in "
    "the loss or weights that are too large."
)
INITIAL_FORMULA = r"L_0 = -\ln \frac{e^{s_y}}{\sum_j e^{s_j}} \approx -\ln\frac1C = \ln C"
OVERFIT_TITLE = "2. Overfit a tiny training set"
OVERFIT = (
    "Take 20 examples (three overlapping clusters), switch off all regularization and train. A "
    "correct network and training loop must reach 100 % training accuracy and a loss near 0. If "
    "it cannot memorise 20 points, something is wrong and the full data set will not help."
)
OVERFIT_SHORT = "Not at 100 % yet: more steps, more units or a larger learning rate."
RATES_TITLE = "3. Learning rate too low, too high"
RATES = (
    "Now train on the whole (spiral) set with plain SGD. With a learning rate that is far too "
    "small the loss hardly moves. With one far too large the loss shoots up and becomes "
    "NaN within a few steps. A useful rule while searching: **stop a run as soon as its loss is "
    "more than 3× the initial loss** — it will not recover."
)
GRADCHECK_TITLE = "4. Gradient check"
GRADCHECK = (
    "Backpropagation is easy to get subtly wrong. Compare it with a numerical derivative: "
    "nudge one weight by ±h, measure the change in the loss, and repeat for (a sample of) "
    "every weight. Do it in 64-bit floats, with a centred difference, and compare with a "
    "*relative* error so that large and small gradients are judged alike. Below, the same check "
    "runs on a correct backward pass and on one with a classic planted bug: the activation's "
    "derivative f′(z) is forgotten."
)
GRADCHECK_FORMULA = (
    r"\frac{\partial L}{\partial \theta_i} \approx \frac{L(\theta + h e_i) - L(\theta - h e_i)}{2h},"
    r"\qquad \mathrm{err} = \frac{\lVert g_{a} - g_{n}\rVert}{\lVert g_{a}\rVert + \lVert g_{n}\rVert}"
)
NOTICE = [
    "Step 0 loss = ln C for every C: the untrained network is a uniform guess. Raise the "
    "initial scale and the step-0 loss drifts above ln C.",
    "20 examples are memorised: training accuracy reaches 100 %, the loss drops by orders "
    "of magnitude. (This says nothing about generalization.)",
    "Too low: the curve is flat. Too high: the loss passes 3× its start within a step or two "
    "and the run is stopped, no NaN reaches the plot.",
    "The planted bug only breaks the hidden layers' tensors (W1, b1, W2, b2); the output layer "
    "has no activation after it, so its gradient is still right.",
    f"ln 10 = {math.log(10):.3f}: the number to expect at the start of a 10-class problem.",
]
