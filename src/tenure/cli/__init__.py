"""The ``tenure`` command line."""
