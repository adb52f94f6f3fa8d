"""The test suite's settings plus django-modeltranslation, django-parler and a shop using them.

Run in a pytest run of its own (scripts/test does): modeltranslation changes the models it
registers, which the rest of the suite must not see.
"""

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES, INSTALLED_APPS, LLMSHOP

# modeltranslation before the admin, as its docs ask; parler anywhere.
INSTALLED_APPS = ["modeltranslation", *INSTALLED_APPS, "parler", "tests.multilingual"]
ROOT_URLCONF = "tests.multilingual.urls"
LANGUAGE_CODE = "en"
if "sqlite" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"].pop("TEST", None)  # in memory: no worker shares this pass's database
else:
    DATABASES["default"]["TEST"] = {"NAME": "test_llmshop_multilingual"}
PARLER_LANGUAGES = {None: ({"code": "en"}, {"code": "zh-hans"}), "default": {"fallbacks": ["en"]}}
LLMSHOP = {
    **LLMSHOP,
    "PRODUCT_MODEL": "multilingual.Product",
    "PRODUCT_FIELDS": {
        "category": None,
        "currency": None,
        "attributes": None,
        "stock": None,
        "is_active": None,
    },
}
