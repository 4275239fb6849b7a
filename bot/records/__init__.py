"""What is kept: intakes and events, the console's tables, the work queue, call-backs, the install's secrets."""
