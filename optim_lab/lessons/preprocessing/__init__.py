"""Data preprocessing: centring, scaling, decorrelating and why it matters. Its page: ``pages/lessons/preprocessing.py``."""
