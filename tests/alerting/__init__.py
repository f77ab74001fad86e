"""Tests of monitor.alerting against a fake Telegram Bot API server on 127.0.0.1."""
