"""Telegram channel (python-telegram-bot): private wegwijzer chats and group sessions."""
