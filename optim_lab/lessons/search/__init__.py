"""Hyper-parameter search: random vs grid, coarse to fine. Its page: ``pages/lessons/search.py``."""
