"""GraphQL adapter of the ratings domain: fulfilment, ratings, reputation."""
