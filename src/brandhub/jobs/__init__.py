"""Background jobs: one registry, run by arq workers or in-process."""
