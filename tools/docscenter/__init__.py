"""docscenter."""
