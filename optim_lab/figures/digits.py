"""8×8 digit images laid out on one canvas and drawn as a single heat map (dark = ink)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from . import plain

DIGIT = 8  # pixels per side
INK_MAX = 16  # the data set's largest pixel value


def digit_canvas(
    placed: Iterable[tuple[int, int, np.ndarray]], shape: tuple[int, int], tile: int
) -> np.ndarray:
    """A ``shape`` canvas (NaN = blank) with each ``(row, column, image)`` drawn at that tile;
    a tile is ``tile`` cells, the image's 8 and a gutter."""
    canvas = np.full(shape, np.nan)
    for r, c, image in placed:
        canvas[r * tile : r * tile + DIGIT, c * tile : c * tile + DIGIT] = np.reshape(
            image, (DIGIT, DIGIT)
        )
    return canvas


def digits_heatmap(canvas: np.ndarray, **props) -> dict:
    """The canvas as a grey heat map on the pixels' own scale (0 … 16), without a colour bar."""
    return plain.heatmap(
        z=canvas, colorscale="Greys", zmin=0, zmax=INK_MAX, showscale=False, **props
    )
