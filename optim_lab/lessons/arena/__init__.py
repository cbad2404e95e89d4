"""The arena: optimizers side by side on one surface. Its page: ``pages/lessons/arena.py``."""
