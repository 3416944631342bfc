"""Accounts: the custom user model (email login), registration and JWTs."""
