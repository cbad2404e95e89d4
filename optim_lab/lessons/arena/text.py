"""What the arena says, beside the controls and figures it explains."""

from ...figures.surface import SPEEDS as ANIMATION_SPEEDS

TITLE = "Optimizer arena"
INTRO = (
    "Put up to six optimizers on the same loss surface, at the same start point, and let them "
    "race. They all see the same gradients; what differs is how each one turns gradients into "
    "steps. Press **▶ Play** to watch, drag the step slider under the plot, **click the contour** "
    "to move the start ★, and open the **step inspector** below to see every number of one update."
)
CONTOUR_CAPTION = (
    "★ start (click anywhere on the contour to move it) · ✕ known minima · ring and arrow: "
    "the inspected step. Contours are "
)
NOTICE = [
    "On the ill-conditioned bowl the largest stable α is set by the **steepest** "
    "direction (α < 2 for curvature 1): push SGD's α towards 2 and it zig-zags across "
    "the valley; beyond 2 it diverges. Progress along the flat direction stays slow.",
    "Momentum averages the gradients: the components that flip sign at every step "
    "cancel out, the ones that keep pointing along the valley add up. The path smooths "
    "out and speeds up.",
    "RMSprop and Adam divide each coordinate by the size of its recent gradients, so their "
    "steps are about α long whatever the slope: they cross plateaus quickly but keep "
    "hovering around a sharp minimum unless α decays.",
    "In the inspector, look at Adam's step 0: after bias correction m̂ = g and v̂ = g², so "
    "the first step is about α in every coordinate, whatever the gradient's size.",
    "The loss plot is logarithmic: a straight falling line is steady (linear) "
    "convergence, a flat stretch is a saddle, a plateau or a local minimum.",
]
RULES_TITLE = "#### The update rules in this race"
GRADIENT = (
    r"\begin{gathered}"
    r"g_t = \operatorname{clip}\big(\nabla f(\theta_t) + \sigma\xi_t\big) + \lambda\theta_t"
    r" + \lambda_1 \operatorname{sign}\theta_t,\qquad \alpha_t = \text{schedule}(t)\\"
    r"\text{after each rule's step, the decoupled decay: }"
    r"\theta_{t+1} \leftarrow \theta_{t+1} - \alpha_t \lambda_{dec}\,\theta_t"
    r"\end{gathered}"
)

#: The animation's speeds as the link writes them.
SPEEDS = tuple(f"{speed:g}" for speed in ANIMATION_SPEEDS)
