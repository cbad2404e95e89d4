"""The search lesson's table of trials."""

from optim_lab.lessons.search.experiment import trial_rows


def test_the_table_counts_stages_from_one_and_keeps_every_trial():
    trials = [
        {
            "stage": 0,
            "lr": 0.1,
            "reg": 1e-4,
            "val_acc": 0.9,
            "train_loss": 0.2,
            "exploded": 0,
            "exploded_at": None,
        },
        {
            "stage": 1,
            "lr": 3.0,
            "reg": 1e-3,
            "val_acc": 0.3,
            "train_loss": 9.0,
            "exploded": 1,
            "exploded_at": 4,
        },
    ]
    rows = trial_rows(trials)
    assert rows["stage"] == [1, 2] and rows["exploded"] == [False, True]
    assert rows["stopped at step"] == [None, 4] and rows["learning rate"] == [0.1, 3.0]
