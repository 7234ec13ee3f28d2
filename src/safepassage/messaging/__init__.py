"""messaging layer."""
