"""Tested integrations with shop frameworks: ``django_llmshop.contrib.<framework>``."""
