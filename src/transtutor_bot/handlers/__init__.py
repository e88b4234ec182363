"""Routers, one module per feature; each exposes `router()` building a fresh Router."""
