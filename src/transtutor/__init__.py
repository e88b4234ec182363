"""transtutor core: content, import, scoring, mastery and storage (no Telegram here)."""

__version__ = "0.1.0"
