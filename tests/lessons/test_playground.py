"""The playground's run names, latest metric values and training counter."""

from optim_lab.lessons.playground import text
from optim_lab.lessons.playground.experiment import changed_settings
from optim_lab.optimizers import OPTIMIZERS


def test_only_settings_away_from_the_defaults_name_a_run():
    defaults = OPTIMIZERS["adam"].resolve({})
    params = dict(defaults)
    assert changed_settings(params, defaults) == {}
    params["lr"] = defaults["lr"] * 3
    assert changed_settings(params, defaults) == {"lr": defaults["lr"] * 3}
    assert changed_settings({"extra": 1.0}, {}) == {"extra": 1.0}  # unknown to the defaults


def test_the_counter_reads_epochs_iterations_and_the_rate():
    assert text.counter(50, 4, None) == ("**epoch 12 · iteration 50**  (4 iterations per epoch)")
    assert text.counter(7, 1, 12.34) == (
        "**epoch 7 · iteration 7**  (1 iteration per epoch) · 12.3 updates/s"
    )
