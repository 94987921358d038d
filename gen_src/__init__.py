"""Generative models for the teaching site."""
