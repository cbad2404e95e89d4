"""What the momentum lesson says, beside the controls and figures it explains."""

TITLE = "Momentum"
INTRO = (
    "Plain gradient descent only looks at the slope under its feet, so in a long narrow valley it "
    "zig-zags across the steep walls while inching along the flat floor. Momentum keeps a "
    "*velocity*: a running average of recent gradients. Components that keep the same sign add "
    "up and speed the descent along the valley; components that flip sign cancel out. But a "
    "heavy ball also overshoots: with too much momentum the iterate swings around the minimum "
    "and momentum makes oscillations of its own."
)
MAP_TITLE = "Where momentum converges: the (α, β) map"
MAP = (
    "Every cell of the map is a full run on the ill-conditioned bowl (curvature 1 across the "
    "valley, 1/κ along it), all from the same start. Choose the form and how the map is coloured, "
    "then **click a cell** to watch that run."
)
START_CAPTION = "Click anywhere on this contour to start the run (and the whole map) from there."
THEORY_TITLE = "The rate, in theory"
THEORY = (
    "On a quadratic bowl each eigen-direction moves on its own. Along a direction of curvature h, "
    "the error e and the velocity v are multiplied at every step by a 2 × 2 matrix M, so the error "
    "shrinks per step by the larger |root| of M's characteristic polynomial. The bowl's two "
    "directions have curvatures 1/κ (flat) and 1 (steep); the slower of the two sets the rate "
    "of the whole run. The map colours every cell by that rate, worked out on paper, beside the "
    "measured map above."
)
THEORY_FORMULAS = {
    "momentum": r"M = \begin{pmatrix} 1-\alpha(1-\beta)h & -\alpha\beta \\ (1-\beta)h & \beta"
    r"\end{pmatrix}",
    "heavy_ball": r"M = \begin{pmatrix} 1-\alpha h & -\alpha\rho \\ h & \rho \end{pmatrix}",
    "nesterov": r"M = \begin{pmatrix} 1-\alpha h(1+\rho) & -\alpha\rho^2 \\ h & \rho \end{pmatrix}",
}
RATE_FORMULA = (
    r"\begin{pmatrix} e \\ v \end{pmatrix} \leftarrow M \begin{pmatrix} e \\ v \end{pmatrix},"
    r"\qquad r = \max_{h \,\in\, \{1/\kappa,\ 1\}} \big|z_{\max}(M)\big|"
)
SIGN_ERRATUM = (
    "A note on the slides: some of their code writes the step as `x += learning_rate * dx` (and "
    "`x += learning_rate * vx` with momentum). dx is the gradient, so that step climbs the loss; "
    "it must subtract it, `x -= learning_rate * dx`, as every rule on this page does."
)
LOOKAHEAD = (
    "The lectures write Nesterov with the gradient taken at a look-ahead point: "
    "v ← ρv − α∇f(θ + ρv), θ ← θ + v. PyTorch, and the runs above, use another form. They are "
    "the same method: the look-ahead form's points θ + ρv are exactly the PyTorch form's points."
)
LOOKAHEAD_FORMULA = (
    r"\varphi = \theta + \rho v,\quad b = -\frac{v}{\alpha}\quad\Longrightarrow\quad "
    r"b \leftarrow \rho b + \nabla f(\varphi),\quad"
    r"\varphi \leftarrow \varphi - \alpha\left(\nabla f(\varphi) + \rho b\right)"
)
FORMS_TITLE = "Two ways to write momentum"
FORMS = (
    "Textbooks write momentum two ways. The **EWA form** averages the gradients, so the velocity "
    "has the size of a gradient. The **classic form** (PyTorch's `SGD(momentum=ρ)`) adds them up, "
    "so its velocity grows to about 1/(1−ρ) gradients. They are the same method: with ρ = β, the "
    "classic velocity is the EWA velocity divided by 1−β, so the classic learning rate must be "
    "α(1−β) to take identical steps. Nesterov evaluates the step with the velocity it is about to "
    "have, which damps the overshoot."
)
FORMS_FORMULA = (
    r"u_t = \frac{v_t}{1-\beta}\quad\Longrightarrow\quad"
    r"\alpha_{\text{classic}}\,u_t = \alpha_{\text{EWA}}\,v_t"
    r"\iff \alpha_{\text{classic}} = \alpha_{\text{EWA}}\,(1-\beta)"
)


def notice(kappa: float) -> list[str]:
    """What to notice, with the best classic ρ for this condition number."""
    best_rho = ((kappa**0.5 - 1) / (kappa**0.5 + 1)) ** 2
    return [
        "The map has a sharp edge: past it every run diverges. In the classic form that edge sits "
        "at α ≈ 2(1+ρ): momentum *allows larger* learning rates than plain descent (α < 2).",
        "The fastest cells are not at β = 0: on a narrow valley they pair a large α with "
        f"ρ ≈ ((√κ−1)/(√κ+1))² = {best_rho:.2f} for κ = {kappa:g} (classic form; theory for "
        "quadratics).",
        "Close to β = 1 the iterate spirals: the velocity remembers too much and carries the "
        "point past the minimum again and again (try the 'momentum creates oscillations' preset).",
        "With the rescaling on, the EWA and classic paths lie exactly on top of each other; "
        "Nesterov with the same α and ρ overshoots less.",
    ]


def map_caption(kappa: float, diverged, metric: str, tol: float) -> str:
    """Under the map: how many of its runs diverged and what its colour shows."""
    share = 100 * diverged.mean()
    colour = (
        "Colour: the loss after the last step (darker is lower)."
        if metric == "loss"
        else f"Colour: the first step with loss within {tol:g} of the minimum (darker is sooner)."
    )
    return (
        f"κ = {kappa:g}: {share:.0f}% of the {diverged.size} runs diverged (vermillion). " + colour
    )


def theory_caption(
    analytic: tuple[float, float],
    measured: tuple[float, float],
    optimum: tuple[float, float, float],
    beta_symbol: str,
    inside: bool,
) -> str:
    """The chosen cell's rates in theory and as run, and the fastest cell."""
    lr, beta, rate = optimum
    where = "marked ★" if inside else "outside the map's α range"
    fitted = [f"{m:.4g}" if m == m else "too fast to fit" for m in measured]
    return (
        f"At the chosen cell the error shrinks per step by {analytic[0]:.4g} along u and "
        f"{analytic[1]:.4g} along v in theory; the run measures {fitted[0]} and {fitted[1]} "
        "(fitted while the error is above the float32 noise). The fastest "
        f"cell is α = {lr:.3g}, {beta_symbol} = {beta:.3g} ({where}), with a rate of {rate:.4g} per "
        "step. Below the dashed line the flat direction decays without oscillating; above it, it "
        "oscillates."
    )


def lookahead_agreement(gap: float) -> str:
    return (
        "The look-ahead form's points θ + ρv and the Nesterov run above coincide: largest "
        f"distance {gap:.1e} (rounding only). Its own points θ (dotted on the map) trail them."
    )
