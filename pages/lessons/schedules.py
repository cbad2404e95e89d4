"""Learning-rate schedules and the LR range test.

1. Every schedule of the registry over the steps, several at once, with its formula.
2. One schedule applied to a run, side by side with the same optimizer at a constant rate.
3. The LR range test on the same surface and optimizer, with a link that carries its suggestion
   into the arena.
4. The LR range test on a network, mini-batch by mini-batch, with a link into the playground.

Each section is one part in pages/parts/schedules/.
"""

from optim_lab.lessons.schedules import text
from optim_lab.ui.layout import page_header
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState
from pages.parts.schedules import explorer, network_range_test, range_test, runs

state = UrlState("schedules")
page_header("Learning-rate schedules & the range test", text.INTRO)
with section("1 · The schedules", header=True):
    explorer.show(state)
with section("2 · A schedule in a run", header=True):
    run = runs.show(state)
with section("3 · The LR range test", header=True):
    range_test.show(state, run)
with section("4 · The range test on a network", header=True):
    network_range_test.show(state)
state.finish()
