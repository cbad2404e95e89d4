"""Sanity checks: the initial loss, overfitting a few examples, learning rates, gradient checks. Its page: ``pages/lessons/sanity.py``."""
