"""Projects with deadlines: submissions, peer and instructor review, grades, reminders."""
