"""Self-optimisation: retrain and re-tune, and promote only what beats what trades today."""
