"""Adaptive methods: AdaGrad, RMSprop, Adam and Adadelta, per-coordinate step sizes. Its page: ``pages/lessons/adaptive.py``."""
