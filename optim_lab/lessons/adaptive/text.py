"""What the adaptive-methods lesson says, beside the controls and figures it explains."""

TITLE = "Adaptive methods"
INTRO = (
    "One learning rate for every parameter is a compromise: a coordinate whose gradient is large "
    "needs small steps, one whose gradient is tiny needs large ones. Adaptive methods keep, for "
    "every coordinate, a record of how large its gradients have been and divide the step by it. "
    "AdaGrad adds up all past squared gradients (its steps only shrink), RMSprop and Adam use a "
    "weighted average that forgets, Adam also averages the gradient itself (momentum), and "
    "Adadelta replaces the learning rate by the typical size of its own recent steps."
)
RUNS_CAPTION = (
    "Each optimizer uses its own learning rate (set above). The adaptive ones head almost "
    "straight for the minimum even where the valley is narrow, because every coordinate's "
    "step is scaled by that coordinate's own gradient history."
)
SIZES_CAPTION = (
    "SGD's line is flat: the same α in both coordinates. The adaptive methods give the "
    "coordinate with small gradients (the flat direction of the valley) a much larger step. "
    "AdaGrad's steps can only shrink; RMSprop's and Adam's follow the recent gradients; "
    "Adadelta's grow from about √ε as its record of past steps fills up."
)
BIAS_TITLE = "Adam's bias correction"
BIAS = (
    "Adam's two averages start at 0, so early on *m* is only a fraction 1−β₁ᵗ of the average "
    "gradient and *v* a fraction 1−β₂ᵗ of the average squared gradient. The correction divides "
    "both back up. Without it the step is off by the ratio of the two shortfalls: a slow start "
    "when √v recovers faster than m (β₂ ≤ β₁), oversized first steps when it recovers more "
    "slowly (the usual β₂ = 0.999 > β₁ = 0.9). Change β₁ and β₂ in Adam's column above."
)
BIAS_FORMULA = (
    r"\hat m_t = \frac{m_t}{1-\beta_1^t},\quad \hat v_t = \frac{v_t}{1-\beta_2^t}"
    r"\qquad\Longrightarrow\qquad \frac{\text{step without correction}}{\text{step with it}}"
    r"\approx \frac{1-\beta_1^t}{\sqrt{1-\beta_2^t}}"
)
EPS_TITLE = "ε inside or outside the square root"
EPS = (
    "Adam's paper adds ε after the square root, √v̂ + ε; some libraries and the lecture put it "
    "inside, √(v̂ + ε). With ε = 10⁻⁸ that only matters for gradients smaller than about √ε = "
    "10⁻⁴ (inside) or 10⁻⁸ (outside), where ε caps the step size. With a large ε the two "
    "differ as soon as gradients get small, for example near the minimum, and both behave more "
    "like plain momentum SGD with learning rate α/√ε or α/ε."
)
EPS_FORMULA = (
    r"\text{outside: }\frac{\alpha\,\hat m}{\sqrt{\hat v}+\epsilon}\qquad"
    r"\text{inside: }\frac{\alpha\,\hat m}{\sqrt{\hat v+\epsilon}}"
)
NOTICE = [
    "On the axis-aligned bowl the adaptive methods head almost straight for the minimum: "
    "the flat coordinate, whose gradients are small, gets a step many times larger than the "
    "steep one. Rotate the bowl (angle 45°) and that advantage fades, because each "
    "coordinate now mixes both curvatures.",
    "AdaGrad's step size only ever decreases (the sum of squares keeps growing); on long "
    "runs it can stall before reaching the minimum, which is what RMSprop's forgetting fixes.",
    "Adadelta needs no real learning rate (α = 1), but its first steps are tiny: they start "
    "at about √ε and grow as it records its own steps.",
    "Without bias correction Adam's first steps are wrong by the factor (1−β₁ᵗ)/√(1−β₂ᵗ): "
    "too long with the default β's, too short when β₂ ≤ β₁.",
    "ε decides the largest step a coordinate can get: α/√ε inside the root, α/ε outside. "
    "Only for large ε or tiny gradients does the choice change the path.",
]
