"""Transfer learning: the four strategies and the lectures' 2×2 table. Its page: ``pages/lessons/transfer.py``."""
