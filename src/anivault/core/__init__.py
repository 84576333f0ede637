"""The pipeline and the domain: scan → parse → match → organize, naming, plans."""
