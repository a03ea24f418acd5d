"""Wiedza: a static-site portal."""
