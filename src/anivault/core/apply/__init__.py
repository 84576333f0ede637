"""Carrying a plan out on disk: file operations, the journal, recovery, undo, the library lock."""
