"""Small helpers with no domain knowledge: file logging and secret masking."""
