"""GraphQL adapter of the auth domain."""
