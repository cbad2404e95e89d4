"""Regularization: weight penalties, dropout, early stopping, augmentation and more data. Its page: ``pages/lessons/regularization.py``."""
