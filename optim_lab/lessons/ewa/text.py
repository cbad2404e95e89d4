"""What the weighted-averages lesson says, beside the controls and figures it explains."""

from ...ewa import ewa_lag, ewa_noise_share

TITLE = "Exponentially weighted averages"
SOURCES = {
    "temperature": "example: a year of temperatures",
    "paste": "type or paste numbers",
    "upload": "upload a CSV/TXT file",
}
INTRO = (
    "Momentum, RMSprop and Adam all smooth a noisy signal (the gradient, or its square) with the "
    "same one-line recipe: keep a running average *v*, and at every step move it a fraction "
    "1−β of the way towards the newest value. Old values never leave the average, they just fade: "
    "a value seen *k* steps ago still counts with weight (1−β)βᵏ. Because *v* starts at 0, the "
    "first averages are too small; dividing by 1−βᵗ removes that start-up bias."
)
FORMULA = (
    r"v_0 = 0,\qquad v_t = \beta\, v_{t-1} + (1-\beta)\,\theta_t"
    r"\;=\; (1-\beta)\sum_{k=0}^{t-1} \beta^{k}\,\theta_{t-k},"
    r"\qquad \hat v_t = \frac{v_t}{1-\beta^{t}}"
)
NOTICE = [
    "A larger β gives a smoother curve that reacts later: an EWA trails a trend by about "
    "β/(1−β) steps, nearly its whole window 1/(1−β) (9 steps at β = 0.9), while a window mean of "
    "N values trails by (N−1)/2.",
    "Without correction the EWA starts near 0 and needs about 1/(1−β) steps to catch up; "
    "the corrected curve is right from the first value and the two merge afterwards.",
    "The weights shrink geometrically; about 63% of the total weight sits on the last "
    "1/(1−β) values, the rest on the long tail.",
    "The window mean and the corrected EWA look alike, but the EWA needs a single stored "
    "number where the window keeps all N values: that is why optimizers use EWAs.",
]


def smoothing_compared(beta: float, window: int) -> str:
    """How the EWA and the window mean of the same length differ: noise kept, lag behind a trend."""
    return (
        f"They are not the same smoothing. Of independent noise's variance the EWA keeps "
        f"(1−β)/(1+β) = {ewa_noise_share(beta):.3g}, the {window}-value window mean 1/N = "
        f"{1 / window:.3g}: the EWA smooths about twice as much, and pays with about twice the "
        f"lag behind a trend: {ewa_lag(beta):.3g} steps against {(window - 1) / 2:g}."
    )
