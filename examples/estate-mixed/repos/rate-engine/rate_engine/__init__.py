"""Quotes freight rates from the rate card."""
