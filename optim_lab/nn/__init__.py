"""The MLP lab: datasets, activations, initializations, an MLP as a pytree, losses, batch norm,
dropout, regularization, compiled training (single runs and optimizer comparisons), gradient
checking and the initialization experiment. Streamlit-free; results are NumPy at the boundary.
"""

from .activations import ACTIVATIONS, ActivationEntry, act_params, curve
from .batchnorm import batchnorm_test, batchnorm_train, init_bn_state
from .data import (
    DATASETS,
    FEATURES,
    PREPROCESSING,
    RAW_FEATURES,
    TASKS,
    Dataset,
    DatasetEntry,
    Preprocessor,
    fit_preprocessor,
    make_dataset,
    pca_rotate,
    standardize,
    whiten,
    zero_center,
)
from .dropout import DROPOUT_MODES, dropout_mask, dropout_test, dropout_train
from .evaluation import evaluate, predict_grid, predict_proba, unit_grid
from .gradient_check import gradcheck, gradcheck_dataset
from .history import History
from .init import INITS, InitEntry, init_std, sample_jax, sample_numpy
from .init_experiment import init_stats
from .losses import (
    LOSSES,
    LossEntry,
    binary_cross_entropy,
    mean_squared_error,
    output_size,
    softmax_cross_entropy,
)
from .mlp import apply_mlp, count_params, flatten, init_mlp, layout_of, unflatten, weight_layers
from .regularization import (
    EarlyStopping,
    early_stopping_after,
    early_stopping_init,
    early_stopping_update,
    elastic_net,
    l1_penalty,
    l2_penalty,
)
from .training import CHUNK, TRACE_COUNTS, TrainState, init_training, train, train_chunk
from .training_config import MAX_COMPARE, TrainConfig, make_hparams, restart_key, run_labels
from .training_rules import iterations_per_epoch

__all__ = [
    "ACTIVATIONS",
    "CHUNK",
    "DATASETS",
    "DROPOUT_MODES",
    "FEATURES",
    "INITS",
    "LOSSES",
    "MAX_COMPARE",
    "PREPROCESSING",
    "RAW_FEATURES",
    "TASKS",
    "TRACE_COUNTS",
    "ActivationEntry",
    "Dataset",
    "DatasetEntry",
    "EarlyStopping",
    "History",
    "InitEntry",
    "LossEntry",
    "Preprocessor",
    "TrainConfig",
    "TrainState",
    "act_params",
    "apply_mlp",
    "batchnorm_test",
    "batchnorm_train",
    "binary_cross_entropy",
    "count_params",
    "curve",
    "dropout_mask",
    "dropout_test",
    "dropout_train",
    "early_stopping_after",
    "early_stopping_init",
    "early_stopping_update",
    "elastic_net",
    "evaluate",
    "fit_preprocessor",
    "flatten",
    "gradcheck",
    "gradcheck_dataset",
    "init_bn_state",
    "init_mlp",
    "init_stats",
    "init_std",
    "init_training",
    "iterations_per_epoch",
    "l1_penalty",
    "l2_penalty",
    "layout_of",
    "make_dataset",
    "make_hparams",
    "mean_squared_error",
    "output_size",
    "pca_rotate",
    "predict_grid",
    "predict_proba",
    "restart_key",
    "run_labels",
    "sample_jax",
    "sample_numpy",
    "softmax_cross_entropy",
    "standardize",
    "train",
    "train_chunk",
    "unflatten",
    "unit_grid",
    "weight_layers",
    "whiten",
    "zero_center",
]
