"""The fake Telegram fixtures live in tests/conftest.py, shared with the end-to-end tests."""
