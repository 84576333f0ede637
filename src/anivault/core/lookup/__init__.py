"""Finding what each file is: scan, parse, match against TMDB (with folder consensus)."""
