"""Voting: pure rules (methods, weights, ranking), the database service and the audit log."""
