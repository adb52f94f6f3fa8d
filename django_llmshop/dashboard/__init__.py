"""The owner's dashboard: spend against budgets, chat, content and recommendation figures."""
