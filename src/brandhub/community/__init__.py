"""Brands, memberships, campaigns, proposals, revisions, comments, moderation."""
