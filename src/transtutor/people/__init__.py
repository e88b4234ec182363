"""Who people are and what they may do: roles, cohorts, invitations, privacy, and what a
user's next message is for."""
