"""The Telegram adapter and the `transtutor` command line (imported as `transtutor_bot`)."""
