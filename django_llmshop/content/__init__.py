"""The content sub-app of django-llmshop."""
