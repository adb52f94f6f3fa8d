"""Content similarity for items without history."""

from django_llmshop.recommend.engine.content import (
    attribute_neighbours,
    text_neighbours,
    tokenize,
)


def test_tokenize_keeps_words_and_cjk():
    assert tokenize("Matte LIPSTICK, 3.5g — 口红") == ["matte", "lipstick", "5g", "口红"]


def test_text_neighbours_find_the_textually_nearest_item():
    texts = [
        "Matte red lipstick, long lasting",
        "Long lasting matte lipstick in red",
        "Shampoo for dry and damaged hair",
        "Conditioner for dry hair",
        "",
    ]
    similar = text_neighbours(texts, k=1).toarray()
    assert similar[0].argmax() == 1 and similar[1].argmax() == 0
    assert similar[2].argmax() == 3 and similar[3].argmax() == 2
    assert not similar[4].any() and not similar[:, 4].any()


def test_attribute_neighbours_prefer_rare_shared_attributes():
    # Item 0 shares a rare brand (7) with item 1 and a common category (1) with items 2, 3.
    similar = attribute_neighbours([[1, 7], [1, 7], [1], [1, 9]], k=3).toarray()
    assert similar[0].argmax() == 1
    assert similar[0, 1] > similar[0, 2] > 0
