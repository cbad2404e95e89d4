r"""Copy a network run as code: a standalone optax or PyTorch script that trains the playground's
MLP as the app does and prints what ``optim-lab train … --format json`` prints for it.

The data set (after the app's features and preprocessing) and the initial weights are embedded as
numbers, so both scripts start from exactly the app's network and data; the optimizer, schedule,
clipping, weight decay, L1/L2 penalties and the divergence rule are the app's (translated as in
:mod:`optim_lab.code_export`). Both compute in float32, as the app.

What matches and what does not, as each script says: with full batches, no dropout and no gradient
noise a run is deterministic and both scripts follow the app's losses (to float32 rounding); the
optax script also draws the app's mini-batches (JAX's random numbers, the same keys), PyTorch its
own. Dropout masks and gradient noise are each script's own draws. Batch norm, maxout, PReLU,
vanilla dropout and early stopping are refused (:class:`~optim_lab.code_export.NotExpressible`),
as is a data set or network too large to embed.
"""

from __future__ import annotations

import numpy as np

from ..code_export import (
    PLATEAU_COMMENT,
    NotExpressible,
    check_library,
    injected_optimizer_lines,
    number,
    optax_optimizer,
    optax_optimizer_lines,
    optax_schedule,
    schedule_constants,
    torch_optimizer,
    torch_scheduler,
)
from ..optimizers import OPTIMIZERS
from ..schedules import SCHEDULES
from .data import fit_preprocessor, make_dataset
from .init import INITS
from .losses import check_loss_task, output_size
from .mlp import init_mlp
from .training_config import TrainConfig, make_hparams, runs_of

#: At most this many numbers (data and weights together) are embedded in a script.
MAX_EMBEDDED = 60_000

_ACTIVATIONS = {
    "relu": ("jnp.maximum(z, 0.0)", "torch.relu(z)"),
    "sigmoid": ("jax.nn.sigmoid(z)", "torch.sigmoid(z)"),
    "tanh": ("jnp.tanh(z)", "torch.tanh(z)"),
    "leaky_relu": ("jnp.where(z > 0, z, SLOPE * z)", "torch.where(z > 0, z, SLOPE * z)"),
    "elu": (
        "jnp.where(z > 0, z, ALPHA * jnp.expm1(jnp.minimum(z, 0.0)))",
        "torch.where(z > 0, z, ALPHA * torch.expm1(torch.clamp(z, max=0.0)))",
    ),
    "linear": ("z", "z"),
}


def _matrix(values: np.ndarray, dtype: str) -> str:
    """A NumPy array literal, one row per line (float32 values in their shortest form)."""
    values = np.asarray(values)
    if values.dtype.kind == "f":
        cells = np.vectorize(lambda v: str(np.float32(v)))(values.astype(np.float32))
    else:
        cells = values.astype(np.int64).astype(str)
    if values.ndim == 1:
        return f"np.array([{', '.join(cells)}], dtype={dtype})"
    rows = ",\n".join(f"    [{', '.join(row)}]" for row in cells)
    return f"np.array([\n{rows},\n], dtype={dtype})"


def _refuse(config: TrainConfig) -> None:
    if config.batchnorm:
        raise NotExpressible("the scripts do not write batch norm yet")
    if config.activation not in _ACTIVATIONS:
        raise NotExpressible(f"the scripts do not write the {config.activation} activation yet")
    if config.dropout < 1 and config.dropout_mode != "inverted":
        raise NotExpressible("the scripts write inverted dropout only (PyTorch's and optax's)")
    if int(config.patience) > 0:
        raise NotExpressible("the scripts do not write early stopping (patience) yet")
    if int(config.eval_every) != 1:
        raise NotExpressible("the scripts evaluate every step (eval_every = 1)")


def train_script(
    library: str,
    config: TrainConfig,
    steps: int,
    optimizer: tuple[str, dict] | None = None,
) -> str:
    """A standalone script that trains ``config``'s network for ``steps`` steps with ``library``.

    Args:
        library: ``"optax"`` or ``"torch"``.
        config: the run (data, network, optimizer, schedule, regularization…).
        steps: number of updates.
        optimizer: ``(name, overrides)`` of one of the compared runs (default: the config's).

    Returns:
        The script: it prints ``{"loss", "val_loss", "train_acc", "val_acc", "diverged_at"}``
        (``train_mse``/``val_mse`` for a regression set), as ``optim-lab train``.

    Raises:
        NotExpressible: what the script cannot write (the message says what).
        ValueError: invalid settings.
    """
    check_library(library)
    if not 1 <= int(steps) <= 1_000_000:
        raise ValueError(f"steps must be between 1 and 1000000, got {steps}")
    compare = None if optimizer is None else [optimizer]
    (hp,) = make_hparams(config, compare)
    ((name, overrides),) = runs_of(config, compare)
    opt_hp = OPTIMIZERS[name].resolve(overrides)
    sched = SCHEDULES[config.schedule].resolve(config.schedule_params)
    if "lr" in sched and "lr" not in config.schedule_params:
        sched["lr"] = opt_hp["lr"]
    mods = {k: float(v) for k, v in hp["mods"].items()}
    _refuse(config)
    for key in mods:
        if key not in ("clip_norm", "clip_value", "weight_decay", "noise") and mods[key] > 0:
            raise NotExpressible(f"the scripts do not write the modifier {key!r} yet")
    dataset = make_dataset(
        config.dataset, config.dataset_params, config.seed, *config.split_fractions()
    )
    check_loss_task(config.loss, dataset.task)
    prep = fit_preprocessor(config.preprocess, dataset.x_train, features=tuple(config.features))
    x_train, x_val = prep.apply(dataset.x_train), prep.apply(dataset.x_val)
    sizes = (
        x_train.shape[1],
        *map(int, config.hidden),
        output_size(config.loss, dataset.n_classes),
    )
    params = init_mlp(config.seed, sizes, config.activation, config.init, config.init_scale)
    embedded = x_train.size + x_val.size + sum(v.size for layer in params for v in layer.values())
    if embedded > MAX_EMBEDDED:
        raise NotExpressible(
            f"the data and weights take {embedded:,} numbers, more than the {MAX_EMBEDDED:,} a "
            "script embeds"
        )
    n_train = len(dataset.y_train)
    batch = None if config.batch_size is None else min(int(config.batch_size), n_train)
    if batch == n_train:
        batch = None
    plan = {
        "name": name,
        "opt_hp": opt_hp,
        "sched": sched,
        "mods": mods,
        "config": config,
        "steps": int(steps),
        "batch": batch,
        "regression": dataset.task == "regression",
        "sizes": sizes,
        "arrays": (x_train, dataset.y_train, x_val, dataset.y_val),
        "params": params,
        "act": {k: float(v) for k, v in hp["act"].items()},
    }
    return (_optax if library == "optax" else _torch)(plan)


def _describe(plan: dict, library: str) -> list[str]:
    config = plan["config"]
    shape = "-".join(str(s) for s in plan["sizes"])
    batch = "full batches" if plan["batch"] is None else f"batches of {plan['batch']}"
    label = OPTIMIZERS[plan["name"]].label
    own = "the app's own shuffles (same keys)" if library == "optax" else "PyTorch's own shuffles"
    matches = [
        "What is the app's: the data (embedded, after the app's features and preprocessing), the",
        f"initial weights (embedded: {INITS[config.init].label}, seed {config.seed}), the optimizer,"
        " schedule, clipping,",
        "weight decay and penalties, the divergence rule and float32.",
    ]
    if plan["batch"] is not None:
        matches.append(f"The mini-batches: {own}.")
    own_draws = [
        what
        for what, on in (
            ("dropout masks", config.dropout < 1),
            ("gradient noise", plan["mods"]["noise"] > 0),
        )
        if on
    ]
    if own_draws:
        matches.append(f"Not the app's: the {' and '.join(own_draws)} (this script's own draws).")
    metric = "mse" if plan["regression"] else "acc"
    return [
        f'"""{label} training an MLP {shape} ({config.activation}) on the {config.dataset} data,',
        f"{plan['steps']} steps with {batch}, written with "
        f"{'optax' if library == 'optax' else 'PyTorch'}.",
        "",
        "Prints the run as JSON, as `optim-lab train … --format json` does: loss (the data loss on",
        "each step's batch), val_loss (on the validation set, before each step), train_"
        f"{metric} and val_{metric}",
        "(after training) and diverged_at (the step a run's cost became non-finite or passed 3× its",
        "start; it stops there).",
        "",
        *matches,
        '"""',
        "",
    ]


def _constants(plan: dict) -> list[str]:
    config, mods = plan["config"], plan["mods"]
    x_train, y_train, x_val, y_val = plan["arrays"]
    label_dtype = "np.float32" if plan["regression"] else "np.int32"
    lines = [
        "# The data as the network sees it (inputs after the app's preprocessing)",
        f"X_TRAIN = {_matrix(x_train, 'np.float32')}",
        f"Y_TRAIN = {_matrix(y_train, label_dtype)}",
        f"X_VAL = {_matrix(x_val, 'np.float32')}",
        f"Y_VAL = {_matrix(y_val, label_dtype)}",
        "",
        "# The app's initial weights: (W, b) per layer, W of shape (inputs, units)",
        "PARAMS = [",
    ]
    for layer in plan["params"]:
        lines += [
            f"    ({_matrix(layer['w'], 'np.float32')}, {_matrix(layer['b'], 'np.float32')}),"
        ]
    lines += ["]", "", f"STEPS = {plan['steps']}", f"SEED = {config.seed}"]
    if plan["batch"] is not None:
        lines.append(f"BATCH_SIZE = {plan['batch']}")
    if float(config.l1) > 0:
        lines.append(f"L1 = {number(config.l1)}  # λ₁: the penalty λ₁Σ|W| (weights only)")
    if float(config.l2) > 0:
        lines.append(
            f"L2 = {number(config.l2)}  # λ₂: the penalty (λ₂/2)ΣW² (weights only); "
            "the decks' λ/n·Σw² is λ₂ = 2λ/n"
        )
    if config.dropout < 1:
        lines.append(
            f"KEEP = {number(config.dropout)}  # dropout keeps each hidden unit with this p"
        )
    if config.activation == "leaky_relu":
        lines.append(f"SLOPE = {number(plan['act']['slope'])}")
    if config.activation == "elu":
        lines.append(f"ALPHA = {number(plan['act']['alpha'])}")
    names = {
        "clip_norm": "CLIP_NORM = {}  # rescale g to this global norm when it is longer",
        "clip_value": "CLIP_VALUE = {}  # clamp each component of g to ±CLIP_VALUE",
        "weight_decay": "WEIGHT_DECAY = {}  # coupled: g ← g + λθ on every parameter",
        "noise": "GRAD_NOISE = {}  # σ of the Gaussian noise added to g",
    }
    lines += [names[k].format(number(v)) for k, v in mods.items() if v > 0]
    lines += schedule_constants(plan["config"].schedule, plan["sched"])
    return lines


def _penalty_lines(config: TrainConfig, lib: str) -> list[str]:
    terms = []
    if float(config.l1) > 0:
        terms.append(f"L1 * sum({lib}.sum({lib}.abs(w)) for w, _ in params)")
    if float(config.l2) > 0:
        terms.append(f"L2 / 2 * sum({lib}.sum(w**2) for w, _ in params)")
    return [
        "def penalty(params):",
        '    """The penalties on the weight matrices (not the biases)."""',
        f"    return {' + '.join(terms) if terms else '0.0'}",
    ]


def _optax(plan: dict) -> str:
    config, mods = plan["config"], plan["mods"]
    schedule = optax_schedule(config.schedule, plan["sched"], plan["steps"])
    lr_code = "learning_rate" if schedule.plateau else ("LR" if schedule.constant else "schedule")
    if "lr" not in plan["sched"] and schedule.constant:
        lr_code = "LR"
    helpers, comments, opt_expr = optax_optimizer(plan["name"], plan["opt_hp"], lr_code)
    before, expression = optax_optimizer_lines(opt_expr, comments, mods)
    loss_code = {
        "cross_entropy": "optax.softmax_cross_entropy_with_integer_labels(scores, y).mean()",
        "binary_cross_entropy": "optax.sigmoid_binary_cross_entropy(scores[:, 0], y).mean()",
    }.get(config.loss)
    if config.loss == "mse":
        loss_code = (
            "jnp.mean((scores[:, 0] - y) ** 2)"
            if plan["regression"]
            else "jnp.mean(0.5 * jnp.sum((scores - jax.nn.one_hot(y, scores.shape[-1])) ** 2, -1))"
        )
    accuracy = (
        "(scores[:, 0] > 0) == y"
        if config.loss == "binary_cross_entropy"
        else "jnp.argmax(scores, -1) == y"
    )
    dropout = config.dropout < 1
    lines = _describe(plan, "optax")
    lines += ["import json", "import math", "", "import jax", "import jax.numpy as jnp"]
    lines += ["import numpy as np", "import optax", ""]
    lines += _constants(plan)
    lines += ["", ""]
    if schedule.lines:
        lines += [*schedule.lines, "", ""]
    if helpers:
        lines += [*helpers, "", ""]
    act = _ACTIVATIONS[config.activation][0]
    lines += [
        "def forward(params, x, key=None):",
        '    """The scores (logits); with a key, in training (dropout on)."""',
        "    h = x",
        "    for i, (w, b) in enumerate(params[:-1]):",
        "        z = h @ w + b",
        f"        h = {act}",
    ]
    if dropout:
        lines += [
            "        if key is not None:  # inverted dropout: keep with p, scale by 1/p",
            "            kept = jax.random.bernoulli(jax.random.fold_in(key, i), KEEP, h.shape)",
            "            h = jnp.where(kept, h / KEEP, 0.0)",
        ]
    lines += ["    w, b = params[-1]", "    return h @ w + b", "", ""]
    lines += [
        "def data_loss(scores, y):",
        f"    return {loss_code}",
        "",
        "",
        *_penalty_lines(config, "jnp"),
        "",
        "",
        "def objective(params, x, y, key):",
        "    loss = data_loss(forward(params, x, key), y)",
        "    return loss + penalty(params), loss",
        "",
        "",
    ]
    if schedule.plateau:
        lines += injected_optimizer_lines(before, expression)
    else:
        lines += [*before, f"optimizer = {expression[0]}", *expression[1:]]
    key_use = "key" if dropout else "None"
    lines += [
        "",
        "",
        "@jax.jit",
        "def step(params, opt_state, x, y, key):",
        f"    (cost, loss), grads = jax.value_and_grad(objective, has_aux=True)(params, x, y, {key_use})",
    ]
    if mods["noise"] > 0:
        lines += [
            "    noise = jax.random.split(jax.random.fold_in(key, 1), len(jax.tree.leaves(grads)))",
            "    leaves, tree = jax.tree.flatten(grads)",
            "    leaves = [g + GRAD_NOISE * jax.random.normal(k, g.shape) for g, k in zip(leaves, noise)]",
            "    grads = jax.tree.unflatten(tree, leaves)",
        ]
    lines += [
        "    updates, opt_state = optimizer.update(grads, opt_state, params)",
        "    return optax.apply_updates(params, updates), opt_state, cost, loss",
        "",
        "",
        "@jax.jit",
        "def evaluate(params, x, y):",
        "    scores = forward(params, x)",
        f"    return data_loss(scores, y), jnp.mean({accuracy})",
        "",
        "",
        "params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in PARAMS]",
        "opt_state = optimizer.init(params)",
        "n = len(X_TRAIN)",
        "cost0 = float(objective(params, X_TRAIN, Y_TRAIN, None)[0])  # the 3× rule's reference",
        "key = jax.random.key(SEED)",
    ]
    lines += _loop(plan, "optax", schedule.plateau)
    return "\n".join(lines) + "\n"


def _loop(plan: dict, library: str, plateau: bool) -> list[str]:
    """The training loop, the divergence rule and the JSON (shared by both scripts)."""
    batch = plan["batch"]
    lines = []
    if batch is not None:
        lines += [
            "batches = math.ceil(n / BATCH_SIZE)  # per epoch, the last one shorter",
            "decay = 1 - BATCH_SIZE / n  # the rule watches the cost's average over about an epoch",
        ]
        if library == "optax":
            lines += [
                "# the app's shuffles: key (0, SEED), folded with 3, then with the epoch",
                "shuffle_key = jax.random.fold_in(jnp.array([0, SEED], dtype=jnp.uint32), 3)",
            ]
        else:
            lines += ["generator = torch.Generator().manual_seed(SEED)  # PyTorch's own shuffles"]
    else:
        lines += ["batches, decay = 1, 0.0"]
    if plateau:
        lines += [*PLATEAU_COMMENT, "scale, best, bad_steps = 1.0, math.inf, 0"]
    evaluate = "evaluate(params, X_VAL, Y_VAL)"
    lines += [
        "losses, val_losses, diverged_at, smooth = [], [], None, 0.0",
        "for t in range(STEPS):",
        f"    val_loss, _ = {evaluate}",
    ]
    if batch is None:
        lines += ["    x, y = X_TRAIN, Y_TRAIN"]
    else:
        lines += ["    epoch, i = divmod(t, batches)", "    if i == 0:"]
        if library == "optax":
            lines += [
                "        order = np.asarray(jax.random.permutation(jax.random.fold_in(shuffle_key, "
                "epoch), n))"
            ]
        else:
            lines += ["        order = torch.randperm(n, generator=generator)"]
        lines += [
            "    chosen = order[i * BATCH_SIZE : (i + 1) * BATCH_SIZE]",
            "    x, y = X_TRAIN[chosen], Y_TRAIN[chosen]",
        ]
    if library == "optax":
        if plateau:
            lines += ['    opt_state.hyperparams["learning_rate"] = jnp.asarray(LR * scale)']
        lines += [
            "    new_params, new_state, cost, loss = step(params, opt_state, x, y, "
            "jax.random.fold_in(key, t))",
            "    cost, loss = float(cost), float(loss)",
            "    finite = math.isfinite(cost) and all(",
            "        bool(jnp.all(jnp.isfinite(p))) for p in jax.tree.leaves(new_params)",
            "    )",
        ]
    else:
        lines += _torch_step_lines(plan)
    lines += [
        "    losses.append(loss)",
        "    val_losses.append(float(val_loss))",
        "    # the app's divergence rule: a non-finite cost or θ, or the cost above 3× its start",
        "    smooth = decay * smooth + (1 - decay) * cost",
        "    watched = smooth / (1 - decay ** (t + 1)) if decay > 0 else cost",
        "    exploded = t + 1 >= min(batches, 10) and watched > 3 * cost0",
        "    if not finite or exploded:",
        "        diverged_at = t",
        "        break",
    ]
    if library == "optax":
        lines += ["    params, opt_state = new_params, new_state"]
    else:
        lines += (
            ["    scheduler.step(cost)" if plateau else "    scheduler.step()"]
            if _has_scheduler(plan)
            else []
        )
    if plateau and library == "optax":
        lines += [
            "    if cost < best * (1 - THRESHOLD):",
            "        best, bad_steps = cost, 0",
            "    else:",
            "        bad_steps += 1",
            "    if bad_steps > PATIENCE:",
            "        scale, bad_steps = scale * FACTOR, 0",
        ]
    lines += [
        "train_loss, train_acc = evaluate(params, X_TRAIN, Y_TRAIN)",
        f"val_loss, val_acc = {evaluate}",
        "finite_losses = []  # the losses up to the first non-finite one, as the app's JSON",
        "for value in losses:",
        "    if not math.isfinite(value):",
        "        break",
        "    finite_losses.append(value)",
        "",
        "",
        "def number(value):",
        "    value = float(value)",
        "    return value if math.isfinite(value) else None",
        "",
        "",
        "print(json.dumps({",
        '    "loss": finite_losses,',
        '    "val_loss": [v for v in val_losses if math.isfinite(v)],',
    ]
    if plan["regression"]:
        lines += ['    "train_mse": number(train_loss),', '    "val_mse": number(val_loss),']
    else:
        lines += ['    "train_acc": number(train_acc),', '    "val_acc": number(val_acc),']
    lines += ['    "diverged_at": diverged_at,', "}))"]
    return lines


def _has_scheduler(plan: dict) -> bool:
    return plan["config"].schedule != "constant"


def _torch_step_lines(plan: dict) -> list[str]:
    mods = plan["mods"]
    lines = [
        "    previous = [p.detach().clone() for p in leaves]",
        "    optimizer.zero_grad()",
        "    loss_t = data_loss(forward(params, x, training=True), y)",
        "    cost_t = loss_t + penalty(params)",
        "    cost_t.backward()",
        "    cost, loss = cost_t.item(), loss_t.item()",
    ]
    if mods["noise"] > 0:
        lines += [
            "    for p in leaves:  # PyTorch's own draws, not the app's",
            "        p.grad.add_(torch.randn_like(p.grad), alpha=GRAD_NOISE)",
        ]
    if mods["clip_norm"] > 0:
        lines += [
            "    # by hand: torch.nn.utils.clip_grad_norm_ divides by ‖g‖ + 1e-6, the app by ‖g‖",
            "    norm = torch.sqrt(sum((p.grad**2).sum() for p in leaves))",
            "    if norm > CLIP_NORM:",
            "        for p in leaves:",
            "            p.grad.mul_(CLIP_NORM / norm)",
        ]
    if mods["clip_value"] > 0:
        lines += ["    torch.nn.utils.clip_grad_value_(leaves, CLIP_VALUE)"]
    if mods["weight_decay"] > 0 and plan["name"] == "adamw":
        lines += [
            "    for p in leaves:  # coupled decay (AdamW's weight_decay is its decoupled one)",
            "        p.grad.add_(p.detach(), alpha=WEIGHT_DECAY)",
        ]
    lines += [
        "    optimizer.step()",
        "    finite = math.isfinite(cost) and all(bool(torch.isfinite(p).all()) for p in leaves)",
        "    if not finite:  # the app keeps the last healthy weights",
        "        with torch.no_grad():",
        "            for p, old in zip(leaves, previous):",
        "                p.copy_(old)",
    ]
    return lines


def _torch(plan: dict) -> str:
    config, mods = plan["config"], plan["mods"]
    optimizer = torch_optimizer(plan["name"], plan["opt_hp"])
    scheduler = torch_scheduler(config.schedule, plan["sched"], optimizer.lr_scale)
    decay = mods["weight_decay"] > 0
    extra = ", weight_decay=WEIGHT_DECAY" if decay and optimizer.decay_kwarg else ""
    lr = "LR" if "lr" in plan["sched"] else "LR_MIN"
    if optimizer.lr_scale:
        lr = f"{lr} * {optimizer.lr_scale}"
    loss_code = {
        "cross_entropy": "F.cross_entropy(scores, y)",
        "binary_cross_entropy": "F.binary_cross_entropy_with_logits(scores[:, 0], y.float())",
    }.get(config.loss)
    if config.loss == "mse":
        loss_code = (
            "torch.mean((scores[:, 0] - y) ** 2)"
            if plan["regression"]
            else "torch.mean(0.5 * torch.sum((scores - F.one_hot(y.long(), scores.shape[-1])) ** 2, -1))"
        )
    accuracy = (
        "(scores[:, 0] > 0).long() == y"
        if config.loss == "binary_cross_entropy"
        else "scores.argmax(-1) == y"
    )
    lines = _describe(plan, "torch")
    lines += ["import json", "import math", "", "import numpy as np", "import torch"]
    lines += ["import torch.nn.functional as F", ""]
    lines += _constants(plan)
    lines += ["", ""]
    act = _ACTIVATIONS[config.activation][1]
    lines += [
        "def forward(params, x, training=False):",
        "    h = x",
        "    for w, b in params[:-1]:",
        "        z = h @ w + b",
        f"        h = {act}",
    ]
    if config.dropout < 1:
        lines += [
            "        # PyTorch's Dropout(p) takes the probability of dropping: keep KEEP is p = 1 − KEEP",
            "        h = F.dropout(h, p=1 - KEEP, training=training)",
        ]
    lines += [
        "    w, b = params[-1]",
        "    return h @ w + b",
        "",
        "",
        "def data_loss(scores, y):",
        f"    return {loss_code}",
        "",
        "",
        *_penalty_lines(config, "torch"),
        "",
        "",
        "def evaluate(params, x, y):",
        "    with torch.no_grad():",
        "        scores = forward(params, x)",
        f"        return data_loss(scores, y).item(), ({accuracy}).float().mean().item()",
        "",
        "",
        "torch.manual_seed(SEED)  # dropout masks and noise: PyTorch's own draws",
        "X_TRAIN, Y_TRAIN = torch.from_numpy(X_TRAIN), torch.from_numpy(Y_TRAIN)",
        "X_VAL, Y_VAL = torch.from_numpy(X_VAL), torch.from_numpy(Y_VAL)",
    ]
    if not plan["regression"]:
        lines += ["Y_TRAIN, Y_VAL = Y_TRAIN.long(), Y_VAL.long()"]
    lines += [
        "params = [",
        "    (torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True))",
        "    for w, b in PARAMS",
        "]",
        "leaves = [p for layer in params for p in layer]",
        *optimizer.comments,
        f"optimizer = {optimizer.expression('leaves', lr, extra)}",
        *scheduler,
        "n = len(X_TRAIN)",
        "with torch.no_grad():",
        "    cost0 = (data_loss(forward(params, X_TRAIN), Y_TRAIN) + penalty(params)).item()",
    ]
    lines += _loop(plan, "torch", config.schedule == "plateau")
    return "\n".join(lines) + "\n"
