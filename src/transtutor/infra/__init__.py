"""Machinery: executors that keep blocking work off the event loop, the scheduler, messages
sent once, the one-process-per-database lock."""
