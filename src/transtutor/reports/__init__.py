"""What coordinators see: snapshots, risk, summaries, exports and the weekly digest."""
