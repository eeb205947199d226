"""Theme files (YAML) for the desk; this module only marks the folder as package data."""
