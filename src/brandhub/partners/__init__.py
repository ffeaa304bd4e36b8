"""Manufacturer partners, handoffs, quotes, pledges and webhooks."""
