"""After the product ships: royalty rules, sales reports, the double-entry ledger, statements."""
