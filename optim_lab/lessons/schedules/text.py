"""What the learning-rate schedules lesson says, beside the controls and figures it explains."""

INTRO = (
    "The learning rate does not have to stay fixed. Early on, big steps cover ground quickly; near "
    "a minimum, the same big steps make the run bounce around it (especially with noisy minibatch "
    "gradients), and only a smaller step lets it settle. A **schedule** writes the learning rate as "
    "a function of the step t. Decays shrink it over time; cyclical schedules raise it again on "
    "purpose, so that big steps can carry the run across flat regions. Before choosing a schedule "
    "you still need a good base rate: the **LR range test** finds one in a single short run."
)
PLATEAU_ALONE = (
    "Reduce-on-plateau watches the loss of a run, so on its own it stays flat. "
    "Pick it in section 2 to see it react."
)
EXPLORER_NOTICE = [
    "Step and multi-step decay cut the rate suddenly; exponential and 1/t decay shrink it a "
    "little at every step (on a log axis exponential decay is a straight line).",
    "Cosine annealing stays high for a while, then falls smoothly to α_min at T_max; after "
    "T_max it climbs back, as PyTorch's `CosineAnnealingLR` does.",
    "Cyclical and warm-restart schedules raise the rate again on purpose: a burst of large "
    "steps can push a run over a saddle or across a plateau.",
]
RUNS = (
    "The same optimizer twice, from the same start: once at a **constant** learning rate α, once "
    "with the **schedule** you pick (starting from the same α). On the default surface, minibatch "
    "least squares, the gradient is noisy, so a constant rate never settles."
)
RUNS_NOTICE = [
    "With noisy minibatch gradients, a constant α keeps the run jittering around the minimum: "
    "the loss curve stays thick. Each cut of the rate shrinks the jitter, and the loss settles "
    "lower.",
    "Decaying too early or too fast freezes the run before it arrives: try γ = 0.1 every 10 steps.",
    "On the plateau, a cyclical rate (α_max = 3) walks across the flat region during its high "
    "phases, where a small constant α barely moves.",
]
RANGE_TEST = (
    "Run the optimizer once while raising α exponentially at every step, from a tiny value to a "
    "huge one, and watch the loss. Too small: nothing happens. Good: the loss drops quickly. Too "
    "large: the loss jumps up and the test stops. A good rate is where the (smoothed) loss falls "
    "fastest. It uses the surface and optimizer of section 2 (its own α is ignored)."
)
RANGE_TEST_FORMULA = (
    r"\alpha_t = \alpha_{min}\left(\frac{\alpha_{max}}{\alpha_{min}}\right)^{t/(T-1)}"
)
RANGE_TEST_NOTICE = [
    "The left part is flat: α is too small to move. The useful range is where the curve dives; "
    "the suggestion sits at its steepest point, well below where it turns up again.",
    "The suggestion depends on the surface and the start: Rosenbrock's steep walls allow a far "
    "smaller α than the bowl.",
    "Cyclical schedules use the same picture: α_min and α_max can be read off as the start "
    "and the end of the steep part.",
]
NETWORK_RANGE_TEST = (
    "The same test on a real network, as in the lecture and fastai's `lr_find`: one training run "
    "on the playground's data and network, **one mini-batch per step**, α multiplied by the same "
    "factor at every step from 10⁻⁶ towards 10. A mini-batch's loss is noisy, so the curve is "
    "smoothed by a bias-corrected running average (β = 0.98), and the test stops once the "
    "smoothed loss passes 4× its best, or sooner if the training blows up (the trainer stops any "
    "run whose loss passes 3× its start). The rules below read the smoothed curve, without its "
    "first 50 steps (the average is still filling up) and its last 5."
)
NETWORK_RANGE_FORMULA = (
    r"\tilde L_t = \frac{v_t}{1-\beta^{t+1}},\quad v_t = \beta v_{t-1} + (1-\beta)\,L_t,"
    r"\qquad \text{stop when } \tilde L_t > 4 \min_{s \le t} \tilde L_s"
)
#: Each suggestion rule: its name in the table and what it does, in one line.
SUGGESTIONS = {
    "steepest": (
        "steepest slope",
        "Where the smoothed loss falls fastest per decade of α (slope over a quarter decade each "
        "side, so one lucky batch does not decide). Falls on whichever drop is sharpest.",
    ),
    "min_div_10": (
        "minimum ÷ 10",
        "A tenth of the α at the lowest smoothed loss: that point is already at the edge of "
        "blowing up, so step back one decade. Safe, sometimes slow.",
    ),
    "valley": (
        "valley",
        "fastai's default: find the longest stretch over which the smoothed loss keeps going "
        "down, and take the point about halfway along it.",
    ),
}
NETWORK_BOUNDS = (
    "**Cyclical bounds** (shaded): α_min where the smoothed loss has made 10 % of its fall, "
    "α_max where it has made 90 % of it, just before the bottom. A cyclical schedule bouncing "
    "between them spends its time in the rates that train."
)
NETWORK_RANGE_NOTICE = [
    "The smoothed curve lags the raw loss: each point averages about the last 50 batches, "
    "taken at smaller rates, so its bottom sits to the right of where the raw loss bottoms out. "
    "That is one reason for minimum ÷ 10.",
    "The three rules often disagree by a factor of 10: the test gives an order of magnitude, "
    "not a number to four digits. Try each in the playground.",
    "Smaller batches make the raw loss noisier and the rules less steady: change the seed and "
    "see which suggestion moves most.",
]

DECK_TOGGLE = "also the decks' recursion"
DECK_HELP = (
    "One deck writes this decay as a recursion, α_{i+1} = α_i·e^{−ki} (or α_i/(1 + ki)): the "
    "factor shrinks with i and compounds, so the rate collapses far sooner than the closed form "
    "above. Drawn dotted in the same colour."
)
