"""Accounts, passwords, session tokens, partner API keys and permissions."""
