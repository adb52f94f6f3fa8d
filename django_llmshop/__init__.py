"""django-llmshop: large-language-model features for Django shops."""

__version__ = "0.1.0"
