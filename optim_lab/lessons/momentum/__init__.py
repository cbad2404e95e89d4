"""Momentum: the (α, β) map and the two ways of writing it. Its page: ``pages/lessons/momentum.py``."""
