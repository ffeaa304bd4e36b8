"""GraphQL types and mutations of the support ladder."""
