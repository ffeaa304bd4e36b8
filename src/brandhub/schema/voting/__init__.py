"""GraphQL adapter of the voting domain."""
