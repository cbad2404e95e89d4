"""What the sanity-checks lesson says, beside the controls and figures it explains."""

import math

TITLE = "Sanity checks & babysitting"
INTRO = (
    "Before spending hours training, run a few cheap checks that catch most bugs: is the loss "
    "right before any training, can the network memorise a handful of examples, how does the "
    "loss react to a far too small and a far too large learning rate, and do the gradients from "
    "backpropagation match gradients measured numerically? Then, while a network trains, read its "
    "curves: a gallery of runs gone wrong, each with its fix."
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
    "Take 20 examples (three overlapping clusters), switch off all regularization and train with "
    "plain SGD, as the lecture does. A correct network and training loop must reach 100 % training "
    "accuracy and a loss near 0. If it cannot memorise 20 points, something is wrong and the full "
    "data set will not help."
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
    "and the run is stopped; every later step is NaN (shaded in the gallery of part 5).",
    "The planted bug only breaks the hidden layers' tensors (W1, b1, W2, b2); the output layer "
    "has no activation after it, so its gradient is still right.",
    f"ln 10 = {math.log(10):.3f}: the number to expect at the start of a 10-class problem.",
    "Babysitting: a loss that sits still and then drops points at the initialization, a slow "
    "straight crawl at the learning rate; a widening gap between training and validation loss is "
    "overfitting, no gap at a poor accuracy is underfitting.",
]

SYMPTOMS_TITLE = "5. Babysitting: read the curves"
SYMPTOMS_INTRO = (
    "Each curve below comes from a real run with one mistake planted. Read it before the "
    "explanation: what went wrong? Then see what to look at and the fix, and press the button: the "
    "same run is trained again with the fix, the mistake staying in grey for comparison."
)
HIGH_LOOK = (
    "The loss goes **up** in the first steps instead of down. The trainer stops a run as soon as "
    "its loss passes 3× its start and records NaN from there on (the shaded band). A NaN loss in a "
    "training log almost always means this: the learning rate is too high."
)
HIGH_FIX = (
    "Lower the learning rate, by 3 to 10× at a time, until the loss falls from the first steps."
)
LOW_LOOK = (
    "The loss barely moves: an almost flat line, and the accuracy with it. Nothing is broken, "
    "every step goes downhill, just by too little. (A bad initialization also starts flat, but "
    "its loss sits still and then drops.)"
)
LOW_FIX = (
    "Raise the learning rate, 10× at a time, until the loss falls visibly within the first tens "
    "of steps without exploding."
)
INIT_LOOK = (
    "A long plateau: the loss sits at ln C (a uniform guess over the C classes) for many steps, "
    "then drops all of a sudden. With weights drawn with σ = 0.01 every layer shrinks the signal "
    "forward and the gradient backward, so the network starts next to the flat point where all "
    "weights are zero and needs many steps to leave it."
)
INIT_FIX = (
    "Scale the initial weights to each layer's width: He (σ = √(2 / fan-in)) for ReLU, Xavier for "
    "tanh. Same data, same learning rate: the loss falls from the first step."
)
OVERFITTING_LOOK = (
    "The gap: the training loss keeps falling towards 0 while the validation loss, after a short "
    "dip, climbs. The network memorises its few noisy training examples (100 % training "
    "accuracy), and its confident mistakes on new examples cost more and more."
)
OVERFITTING_FIX = (
    "Regularize (here an L2 penalty on the weights), or collect more data, use a smaller network, "
    "or stop at the lowest validation loss. With the penalty the two curves stay close."
)
UNDERFITTING_LOOK = (
    "No gap, but both bad: training and validation accuracy are low and close together, and the "
    "training loss levels off high. The model cannot even fit the training set: 2 hidden units "
    "are too few to bend a boundary around the spiral."
)
UNDERFITTING_FIX = (
    "A bigger model: more units and layers (training longer does not help once the training loss "
    "has levelled off). Then watch for the gap of overfitting."
)
FLAT_LOOK = (
    "The lectures' puzzle: the loss hardly changes, yet the accuracy climbs (in the lecture to "
    "20 %). With 10 classes and small weights the softmax is still almost uniform, each class gets "
    "about 1/10, so the loss stays near ln 10 ≈ 2.30. Accuracy only asks whether the right class "
    "has the **largest** score, and tiny score differences are enough for that."
)
FLAT_FIX = (
    "Nothing is broken: the learning rate is too low. Raise it and the scores grow apart, the "
    "probabilities become confident and the loss falls as well."
)
REG_LOOK = (
    "A check rather than a mistake: the loss the optimizer minimises is the data loss **plus** "
    "the penalty ½λ₂ΣW². Raise λ₂ and that loss must go up, already at step 0 (the same weights, "
    "now with a penalty). If it does not, the penalty never reached the loss."
)
REG_FIX = (
    "The run with λ₂ raised: the dotted curve (data + penalty) starts higher and stays above the "
    "run without the penalty (grey). The data part alone ends higher too: the penalty keeps the "
    "weights from fitting the training set as closely."
)
