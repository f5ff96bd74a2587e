"""Inventory service: stock levels of the shop's items."""
