"""GraphQL adapter of the partners domain."""
