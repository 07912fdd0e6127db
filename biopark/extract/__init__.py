"""News extraction (issue 16 names it among the next capabilities). Like biopark.index it is plain Python:
import-linter (pyproject.toml) refuses any import of Django or of a BioPark app here, so the extractor can be
tested and run without a database; the apps call it, never the other way round."""
