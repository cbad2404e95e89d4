"""What the preprocessing lesson says, beside the controls and figures it explains."""

TITLE = "Data preprocessing"
INTRO = (
    "Raw features are rarely centred on zero, often come in very different units, and are "
    "usually correlated. Four standard fixes, each computed **on the training set only** and then "
    "applied unchanged to validation and test data: subtract the mean (centring), divide by the "
    "standard deviation (standardizing), rotate onto the directions of largest variance (PCA), and "
    "also rescale those directions to unit variance (whitening). For images, centring is usually "
    "all that is done."
)
FORMULAS = (
    r"\text{centre: } x - \mu \qquad \text{standardize: } \frac{x - \mu}{\sigma}",
    r"\text{PCA: } (x - \mu)\,U \qquad \text{whiten: } (x - \mu)\,U\,\Lambda^{-1/2},"
    r"\qquad \text{where } \Sigma = U \Lambda U^\top",
)
CLOUDS_CAPTION = (
    "Same axes and scale in every panel; the + is the origin. Colour follows each point "
    "(by its raw x₁), so you can see the PCA rotation."
)
SIGN_BIAS_TITLE = "Why all-positive inputs slow learning down"
SIGN_BIAS = (
    "Take one unit ŷ = w₁x₁ + w₂x₂ trained with squared error, one example at a time. The "
    "gradient for one example is (ŷ − y)·x. If every input is positive, both components of "
    "that gradient have the sign of (ŷ − y): **every update raises both weights or lowers both**. "
    "When the best weights need one to go up and the other down, SGD can only get there by "
    "zig-zagging. Centre the inputs and each update can point anywhere. The same holds for a "
    "layer fed by sigmoid or ReLU outputs, which are never negative."
)
SIGN_BIAS_FORMULA = (
    r"\frac{\partial L}{\partial w_i} = (\hat y - y)\,x_i,\qquad "
    r"x_i > 0\ \forall i\ \Rightarrow\ \operatorname{sign}\frac{\partial L}{\partial w_1}"
    r" = \operatorname{sign}\frac{\partial L}{\partial w_2}"
)
NOTICE = [
    "Centring moves the cloud onto the origin without changing its shape; standardizing then "
    "gives both axes a std of 1, but the cloud is still tilted (correlated).",
    "PCA rotates the cloud so its long axis lies along x₁: the correlation becomes 0. "
    "Whitening also squeezes it into a round ball of unit variance.",
    "With all-positive inputs, 100 % of the updates move w₁ and w₂ in the same direction: the "
    "path is a staircase of diagonal steps. With centred inputs about half do.",
    "The statistics (μ, σ, U, Λ) come from the training data only; the same numbers are then "
    "applied to validation and test data.",
]
