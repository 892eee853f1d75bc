"""Pure ingestion logic: read any landing file as text, then type it against its contract."""
