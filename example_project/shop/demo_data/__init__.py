"""The demo shop's records: catalog, reviews, shoppers with orders, and help pages.

Everything here is plain data that ``manage.py load_demo_shop`` writes to the database; the
review text is generated from phrase banks with a fixed seed, so every load is identical.
"""
