"""News in: documents read by biopark.extract (the review queue and document storage come later)."""
