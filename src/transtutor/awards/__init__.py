"""Awarding verifiable micro-credentials from mastery evidence: outcome badges as outcomes are
mastered, the course credential when the award rule is met, revocation, and what verifiers
read (the issued JSON, the status lists)."""
