"""BioPark: the open-source platform for running a biomedical innovation park."""

__version__ = "0.1.0"
