"""Channels do I/O only: they turn user actions into events and render replies."""
