"""Training playground, sidebar: what the network is fed (input features, preprocessing) and what
the prediction panel shows (discrete output, the held-out points)."""

from optim_lab.lessons.playground.experiment import PREPROCESS_LABELS
from optim_lab.nn import FEATURES, RAW_FEATURES
from optim_lab.ui import widgets as w


def show(state, sb, dataset) -> dict:
    """The input features (a 2D set's) and the preprocessing; returns the ``TrainConfig`` fields
    they set."""
    two_d = len(dataset.feature_names) == 2
    features = _features(state, sb) if two_d else ()
    preprocess = w.choice(
        state,
        "prep",
        "preprocessing",
        list(PREPROCESS_LABELS),
        "standardize",
        format_func=PREPROCESS_LABELS.get,
        container=sb,
        help="Fit on the training split: subtract the mean (centred), then divide by the "
        "standard deviation (standardized). Try 'Will I pass the class?' raw.",
    )
    return dict(features=features, preprocess=preprocess)


def view(state, sb) -> dict:
    """How the prediction is drawn: discrete or graded, with or without the held-out points."""
    sb.header("View")
    discrete = w.toggle(state, "disc", "discretize output", False, container=sb)
    show_test = w.toggle(
        state,
        "showtest",
        "show test data",
        True,
        container=sb,
        help="The held-out points (crosses) the validation metrics are measured on.",
    )
    return dict(discretize=bool(discrete), show_test=bool(show_test))


def _features(state, sb) -> tuple[str, ...]:
    """TensorFlow Playground's input toggles; none chosen falls back to the raw coordinates."""

    def parse(text: str) -> list[str]:
        names = [n for n in text.split(",") if n]
        for name in names:
            FEATURES[name]  # the registry's message for an unknown name
        return list(dict.fromkeys(names))

    key = state.prepare("feat", list(RAW_FEATURES), parse)
    chosen = sb.pills(
        "input features",
        FEATURES.names(),
        selection_mode="multi",
        format_func=lambda n: FEATURES[n].label,
        key=key,
        help="What the first layer sees, computed from the point (x₁, x₂). XOR needs only x₁x₂.",
    )
    if not chosen:
        sb.caption("No input chosen: the network sees x₁ and x₂.")
        return RAW_FEATURES
    # in the registry's order, so the diagram lists them as the toggles do
    return tuple(n for n in FEATURES.names() if n in chosen)
