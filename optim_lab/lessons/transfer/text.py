"""What the transfer-learning lesson says, beside the controls and figures it explains."""

from ...nn.transfer import HIDDEN

TITLE = "Transfer learning"
INTRO = (
    "Training a network needs many labelled examples, but you rarely have to start from nothing. "
    "Take a network already trained on a large data set, keep its hidden layers — they have "
    "learned useful features — and train only what your new task needs, on the few examples you "
    "have. How much to retrain depends on two things: how similar the new task is to the old "
    "one, and how much labelled data the new task has."
)
SETTING = (
    f"**Here.** The source network (64 → {HIDDEN[0]} → {HIDDEN[1]} → 10, ReLU) is pre-trained on "
    "half of the 8×8 digit images, all ten digits (plus shifted, noisy copies): our stand-in for "
    "ImageNet. Like a downloaded model, it is trained once and the same for every seed. The "
    "new task uses the *other* half, images the network never saw: tell 5, 6, 7, 8 and 9 "
    "apart, from a handful of labelled examples. In the *very different* "
    "version the pixels of every target image are shuffled by one fixed permutation — the same "
    "information, but nothing the pre-trained features were made for. Four ways to train, from "
    "the same target examples:"
)
STRATEGIES = (
    "- **from scratch**: fresh random weights, every layer trains;\n"
    "- **linear probe**: hidden layers frozen, only a new output layer (softmax regression "
    "on the features h(x)) trains;\n"
    "- **fine-tune top**: the last hidden layer and the new output layer train;\n"
    "- **fine-tune all**: start from the pre-trained weights, every layer trains."
)
FORMULAS = (
    r"p(y \mid x) = \mathrm{softmax}\big(W\,h_{\theta^\star}(x) + b\big)",
    r"\theta \leftarrow \theta + m \odot \Delta\theta,\qquad m_i \in \{0, 1\}",
)
FORMULAS_CAPTION = (
    "θ* = the pre-trained hidden layers; the mask m says which weights may move "
    "(probe: only W, b). The new output layer starts at zero."
)
TABLE_TITLE = "1. The lectures' table, by experiment"
TABLE = (
    "Each cell trains the four strategies and colours the cell by the winner (accuracy on "
    "held-out target images; differences under 0.01 count as a tie). Underneath: what the "
    "lectures advise for that cell."
)
CURVES_TITLE = "2. Accuracy vs number of labelled examples"
CURVES = (
    "The same experiments along the whole range, from one labelled image per class to forty. "
    "Dotted lines mark the table's two rows."
)
NOTICE = [
    "Similar task, very little data: the linear probe is far ahead. It only fits a few "
    "hundred weights on features that already separate digits; training from scratch fits "
    "thousands of weights to ten images.",
    "Fine-tuning everything from a few examples throws away part of that advantage: the "
    "features drift to fit the handful of images. More labelled data, and the gap closes — "
    "with ~40 per class, fine-tuning catches up with (or passes) the probe.",
    "Very different task (shuffled pixels): the frozen features are wrong for these inputs "
    "and the probe comes last at every size. With little data nothing is good (the "
    "lectures' \"you're in trouble\"); with more data, train more layers.",
    "Pre-training knew the kind of images, not these images: the target examples and the "
    "test images come from the half the source network never saw.",
    "The 24 trainings of a panel (4 strategies × 6 sizes) run side by side in vmapped calls: "
    "the number of examples is a 0/1 weight on the target images, and each call trains on "
    "only as many rows as its sizes need.",
]
