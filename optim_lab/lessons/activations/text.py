"""What the activation-functions lesson says, beside the controls and figures it explains."""

TITLE = "Activation functions"
INTRO = (
    "Each hidden unit computes a weighted sum *z* of its inputs and passes it through a "
    "non-linear function *f*. During backpropagation the gradient reaching that unit is multiplied "
    "by the slope *f′(z)*. Where the curve is flat the slope is (nearly) zero, so almost nothing "
    "flows back and the weights before it stop learning. Pick up to three functions and look at "
    "where their slopes vanish."
)
FLAT_REGIONS = (
    "**Where the gradient (almost) vanishes** (shaded, |f′| < 5 % of its peak; 'dead' = exactly 0):"
)
MAXOUT_CAPTION = "Maxout is drawn with the example pieces z and −z/2."
PROBES_CAPTION = (
    "A slope of 0 (or 0.00005) at x = ±10 means a unit pushed that far gets no learning "
    "signal: it is saturated, or for ReLU on the negative side, dead."
)
ADVICE = (
    "- **Start with ReLU.** It is cheap, its slope is exactly 1 for every positive input so it "
    "never saturates there, and networks with it usually train several times faster than with "
    "sigmoid or tanh. Keep an eye on the learning rate: too large a step can push units into the "
    "negative side for good (dead units).\n"
    "- **Worth a try: Leaky ReLU, PReLU, ELU or maxout.** They keep a non-zero slope (or a "
    "smooth one) for negative inputs, so units cannot die; ELU's outputs are also closer to zero "
    "mean. Maxout doubles the number of weights per unit.\n"
    "- **tanh is acceptable but not great.** It is zero-centred, but its flat tails still "
    "block the gradient.\n"
    "- **Avoid sigmoid in hidden layers.** Its flat tails stop the gradient, its outputs are "
    "always positive (so the next layer's weight gradients all share one sign), and its largest "
    "slope is only 0.25: each sigmoid's own slope factor shrinks the gradient at least 4× (the "
    "weights between layers can make up for it, or make it worse)."
)
NOTICE = [
    "Sigmoid's slope never exceeds 0.25 and is almost 0 beyond |x| ≈ 5: a chain of such "
    "layers multiplies many small numbers together.",
    "tanh is sigmoid stretched to (−1, 1): zero-centred, but with the same flat tails.",
    "ReLU's slope is exactly 1 for x > 0 and exactly 0 for x < 0: no saturation on the right, "
    "a dead zone on the left.",
    "Leaky ReLU and ELU keep a small slope on the left; set the slope a to 0 and Leaky ReLU "
    "becomes ReLU again.",
]
OVERVIEW_CAPTION = (
    "The mean output for standard normal inputs tells how far a function is from zero-centred: "
    "tanh is centred, ELU is closer to zero than ReLU but not centred, sigmoid's outputs are all "
    "positive."
)
