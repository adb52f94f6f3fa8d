"""django-oscar out of the box: an adapter, Oscar's signals as shopper events, the Generate
actions in Django's admin and in Oscar's dashboard.

Add ``"django_llmshop.contrib.oscar"`` to ``INSTALLED_APPS`` and start ``LLMSHOP`` from
:data:`django_llmshop.contrib.oscar.defaults.LLMSHOP_OSCAR`; docs/oscar.md has the whole recipe.
"""
