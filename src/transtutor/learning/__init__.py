"""A learner's practice: exercises chosen for them, answers scored, mastery of outcomes."""
