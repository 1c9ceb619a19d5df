"""The logic pages and commands call: database access, queries, commands and the rules of the domain."""
