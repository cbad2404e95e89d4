"""What the second-order lesson says, beside the controls and figures it explains."""

from ...curvature import CurvatureCosts, curvature_costs, human_bytes, human_count, human_duration
from .experiment import newton_error_factor

GPU_FLOPS = 1e13  # a large GPU's sustained float32 rate (10 TFLOP/s), for the time estimate

INTRO = (
    "Gradient descent knows only the slope. **Newton's method** also uses the curvature: the "
    "Hessian H, the matrix of second derivatives. It fits a quadratic bowl to the loss at the "
    "current point and jumps straight to that bowl's bottom, Δθ = −H⁻¹g. Each direction is "
    "divided by its own curvature, so a long narrow valley costs Newton no more than a round one, "
    "and the natural step is α = 1, with nothing to tune. **L-BFGS** gets most of that "
    "benefit without ever forming H: it estimates H⁻¹g from the last m steps and gradient "
    "changes. The catch is the price, in section 2."
)


def newton_notice(lr: float, damping: float, kappa: float) -> list[str]:
    """What to notice in the race, with how fast damped Newton closes the bowl's flat direction at
    the race's own settings (the bowl's κ, or its default on another surface)."""
    flat = newton_error_factor(1.0 / kappa, lr, damping)
    return [
        "Undamped (λ = 0, α = 1), Newton lands on the bowl's minimum in a single step whatever κ: "
        "the quadratic model is exact. Damping multiplies each direction's error by "
        "|1 − α·h/(h + λ)| per step (h its curvature): with α = "
        f"{lr:g}, λ = {damping:g} and κ = {kappa:g} the flat direction (h = 1/κ) keeps "
        f"{flat:.2g} of its error per step, so one step is enough only while λ ≪ 1/κ. Gradient "
        "descent needs more steps the larger κ is.",
        "On Rosenbrock κ(H) reaches the thousands in the curved valley: gradient descent, limited "
        "by the steep walls, crawls along the floor; Newton takes a handful of steps, L-BFGS a "
        "few dozen, Adam many hundreds.",
        "L-BFGS has no Hessian at all: it learns the curvature from its own last m steps, so its "
        "first steps look like gradient descent and it speeds up once the history fills.",
    ]


DAMPING = (
    "Far from the minimum the quadratic model can be poor, and where H has a negative eigenvalue "
    "Newton's step heads for a saddle or a maximum instead of a minimum. Adding λI to H blends "
    "Newton with gradient descent: small λ gives pure Newton, large λ gives (α/λ)·g, a small "
    "gradient step. The damped matrix is also better conditioned."
)
DAMPING_FORMULA = (
    r"\Delta\theta = -\alpha\,(H + \lambda I)^{-1} g,\qquad "
    r"\kappa(H + \lambda I) = \frac{|\mu_{max} + \lambda|}{|\mu_{min} + \lambda|}"
)
DAMPING_NOTICE = [
    "Small λ keeps Newton's few-step convergence; once λ passes the Hessian's smallest "
    "curvatures the steps shrink towards α/λ·g and the step count climbs like gradient "
    "descent's.",
    "Each point of the curve is a whole Newton run with that λ (same α, same start), computed "
    "together in one batched call.",
]
COST = (
    "On these 2-D surfaces H is a 2×2 matrix. A network with N parameters has an N×N Hessian: "
    "N² numbers to store and about N³ operations to solve with it (Gaussian elimination or an "
    "inverse), at every step, after N gradient-sized passes to build it. L-BFGS stores only m "
    "pairs of N-vectors and spends about 4mN operations per step. Type any N."
)
COST_NOTICE = [
    "The slides' 100,000-parameter network: 10¹⁰ Hessian entries, 40 GB in float32, and about "
    "10¹⁵ operations (a peta-scale amount of arithmetic) to solve with it, at every step.",
    "Memory grows like N² and work like N³: ten times more parameters costs a hundred times "
    "more memory and a thousand times more arithmetic. Modern networks have 10⁸ to 10¹² "
    "parameters.",
    "L-BFGS grows like N, just m times the gradient, but it needs clean gradients to estimate "
    "curvature: with noisy minibatches its curvature pairs are unreliable.",
]


def cost_summary(costs: CurvatureCosts) -> str:
    """The cost calculator's sentence: the Hessian's size and solve time against L-BFGS's."""
    return (
        f"For N = {costs.n_params:,}: the Hessian holds {human_count(costs.hessian_entries)} "
        f"numbers, **{costs.memory_ratio:,.0f}×** the memory of L-BFGS's history. Solving with it "
        f"takes {human_count(costs.solve_flops)} operations: about "
        f"**{human_duration(costs.solve_flops / GPU_FLOPS)}** per step on a GPU sustaining "
        f"10 TFLOP/s, versus {human_duration(costs.lbfgs_flops / GPU_FLOPS)} for L-BFGS."
    )


def hessian_erratum() -> str:
    """The slides' "petabyte" for a 100,000-parameter Hessian, set right with the calculator's own
    numbers (float32)."""
    costs = curvature_costs(100_000)
    return (
        "**A note on the slides.** They say a small network of 100,000 parameters would need about "
        "a petabyte of memory to invert its Hessian. Storing it takes "
        f"{human_count(costs.hessian_entries)} entries, {human_bytes(costs.hessian_bytes)} in "
        f"float32: too much for most machines, but not a petabyte. What reaches the peta scale is "
        f"the work: about {human_count(costs.solve_flops)} operations for one solve (N³)."
    )
