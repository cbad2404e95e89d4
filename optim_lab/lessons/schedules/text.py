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
