"""Bilingual extraction of registry facts from news text: pure Python, no Django (see biopark.extract.engine)."""
