"""Weight initialization: activations layer by layer. Its page: ``pages/lessons/initialization.py``."""
