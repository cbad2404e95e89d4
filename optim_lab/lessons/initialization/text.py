"""What the weight-initialization lesson says, beside the controls and figures it explains."""

TITLE = "Weight initialization"
INTRO = (
    "Before training starts, every weight needs a value. Push 1,000 random inputs through a deep "
    "stack of identical layers and look at what comes out of each layer. If the weights are too "
    "small, each layer shrinks the signal until the last layers output nothing but zeros, and the "
    "gradients flowing back shrink the same way. If they are too large, tanh units are pinned at "
    "±1 where their slope is 0. A good scale keeps the spread of the activations roughly the same "
    "from layer to layer. Setting every weight to 0 fails differently: all units stay identical."
)
FORMULA = (
    r"h_0 = x \sim \mathcal N(0, I),\qquad h_\ell = f(h_{\ell-1} W_\ell),\qquad"
    r"\operatorname{Var}(z) = \mathrm{fan}_{in}\,\operatorname{Var}(w)\,\operatorname{Var}(h)"
)
FORWARD_TITLE = "**Forward pass: mean and std of the activations**"
BACKWARD_TITLE = "**Backward pass: gradient of each layer's weights**"
BACKWARD_CAPTION = (
    "A fixed random gradient is sent back from the last layer. A line that drops towards "
    "layer 1 is a vanishing gradient; one that climbs is an exploding one. Compare the "
    "magnitudes too: 10⁻⁵ means the weights will hardly move."
)
NOTICE = [
    "0.01·randn with tanh: the std is about 0.21 after layer 1 and keeps shrinking to "
    "almost 0 by layer 10; the weight gradients of those layers are tiny too.",
    "1.0·randn with tanh: the std jumps to about 0.98, every unit is at ±1 (the histograms "
    "pile up at the edges), so the slopes and the gradients are ≈ 0.",
    "Xavier with tanh: the std starts near 0.63 and decays only slowly (≈ 0.23 at layer 10).",
    "Xavier with ReLU: ReLU zeros half the inputs, so the variance halves at every layer. "
    "He's extra factor 2 makes up for that and the std stays flat.",
    "Zeros: every unit gets the same value and the same update (spread across units = 0).",
]
