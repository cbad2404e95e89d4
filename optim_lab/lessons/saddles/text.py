"""What the saddle-points lesson says, beside the controls and figures it explains."""

INTRO = (
    "Bad local minima are rarely what slows training down. In many dimensions the common trouble "
    "spots are **saddle points** (uphill in some directions, downhill in others), **plateaus** "
    "(where the gradient almost vanishes) and **cliffs** (where it suddenly explodes). Plain "
    "gradient descent takes steps proportional to the gradient, so it crawls where the gradient "
    "is tiny and jumps where it is huge. Pick a scenario and watch the size of the gradient ‖g‖ "
    "next to the path."
)
