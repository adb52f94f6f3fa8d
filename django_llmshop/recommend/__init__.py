"""The recommend sub-app of django-llmshop."""
