"""GraphQL of royalties: rules, sales reports, statements."""
