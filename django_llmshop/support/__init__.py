"""The support sub-app of django-llmshop."""
