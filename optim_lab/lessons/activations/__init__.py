"""Activation functions and their derivatives. Its page: ``pages/lessons/activations.py``."""
