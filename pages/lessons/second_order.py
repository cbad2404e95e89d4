"""Second-order methods: Newton and L-BFGS against gradient descent and Adam, the Hessian's condition
number along the paths, Newton's damping, and what the Hessian costs for N parameters. Each part is
one module in pages/parts/second_order/."""

from optim_lab.lessons.second_order import text
from optim_lab.ui.layout import page_header
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState
from pages.parts.second_order import cost, damping, race

state = UrlState("second_order")
page_header("Second-order methods", text.INTRO)
with section("1 · Newton and L-BFGS against first-order methods", header=True):
    race_run = race.show(state)
    with section("Damping λ"):  # the sweep reruns the race's Newton settings
        damping.show(race_run)
with section("2 · What curvature costs", header=True):
    cost.show(state)
state.finish()
