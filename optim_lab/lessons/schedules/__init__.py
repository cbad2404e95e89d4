"""Learning-rate schedules and the learning-rate range test. Its page: ``pages/lessons/schedules.py``."""
