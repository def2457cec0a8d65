"""Wegwijzer Integriteit: helps Rijk employees find the integrity desk (loket) that fits."""

__version__ = "0.1.0"
