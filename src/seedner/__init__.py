"""seedner: people, organizations, places and dates from Chinese documents."""

__version__ = "0.1.0"
