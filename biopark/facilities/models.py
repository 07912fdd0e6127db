"""Models of the facilities app."""
