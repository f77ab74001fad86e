"""Everything HTTP: the daemon's health and metrics, the status page and the analysts' workspace."""
