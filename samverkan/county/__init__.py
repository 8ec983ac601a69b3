"""The county board's view of its municipalities (issue 18, county items)."""
