"""The network playground: live training of a small MLP. Its page: ``pages/lessons/playground.py``."""
