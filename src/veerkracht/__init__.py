"""Veerkracht: a platform for regional social-resilience programmes."""

__version__ = "0.1.0"
