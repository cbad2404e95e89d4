"""Exponentially weighted averages: data, the weights of the past and bias correction. Its page: ``pages/lessons/ewa.py``."""
