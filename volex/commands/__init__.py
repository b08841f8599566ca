"""CLI command groups: one module each, thin wrappers over the Volex facade."""
