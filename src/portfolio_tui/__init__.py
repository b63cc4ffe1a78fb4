"""portfolio-tui: a salesperson's customer portfolio, kept offline and worked from the keyboard."""

__version__ = "0.1.0"
