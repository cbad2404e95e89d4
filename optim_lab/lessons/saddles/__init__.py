"""Saddle points and plateaus. Its page: ``pages/lessons/saddles.py``."""
