"""Use cases: each one loads what it needs, applies the domain rules and writes through the store."""
