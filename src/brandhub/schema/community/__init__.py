"""GraphQL adapter of the community domain."""
