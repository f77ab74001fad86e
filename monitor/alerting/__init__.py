"""Telegram alerting building blocks: message formatting and splitting, send pacing, error policy.

The sender loop and the outbox live elsewhere and are built on these; nothing here touches the
database, and only ``telegram_errors`` imports python-telegram-bot.
"""
