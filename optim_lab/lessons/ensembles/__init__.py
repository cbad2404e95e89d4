"""Ensembles, snapshot ensembles and Polyak averaging. Its page: ``pages/lessons/ensembles.py``."""
