"""variatlas: quality indicators and unwarranted variation in Norwegian health services."""

__version__ = "0.1.0"
