"""Digits on one canvas: each image at its tile, blank (NaN) gutters between them."""

import numpy as np

from optim_lab.figures.digits import digit_canvas, digits_heatmap


def test_each_image_lands_on_its_tile_and_the_gutters_stay_blank():
    a, b = np.arange(64.0), np.full(64, 16.0)
    canvas = digit_canvas([(0, 0, a), (1, 1, b)], (19, 19), tile=10)
    np.testing.assert_array_equal(canvas[:8, :8], a.reshape(8, 8))
    np.testing.assert_array_equal(canvas[10:18, 10:18], b.reshape(8, 8))
    assert np.isnan(canvas[8:10, :]).all() and np.isnan(canvas[:8, 8:]).all()
    trace = digits_heatmap(canvas)
    assert (trace["zmin"], trace["zmax"]) == (0, 16)
    assert trace["colorscale"][0][1] == "rgb(255,255,255)"  # Greys: 0 is white, ink is dark
    assert trace["colorscale"][-1][1] == "rgb(0,0,0)"
