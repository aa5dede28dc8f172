"""Low-level reading: files, numbers, CSV, YAML and JSON documents with positions, records."""
