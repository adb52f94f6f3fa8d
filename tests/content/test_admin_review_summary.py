"""Summarize reviews from the admin, approve, and the storefront shows the summary, escaped."""

from __future__ import annotations

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from django_llmshop.content.models import Draft, GenerationJob


def test_summarize_approve_and_show_on_the_product_page(
    admin_client, client, reviews, model, django_capture_on_commit_callbacks
):
    product = reviews
    data = {
        "action": "llmshop_summarize_reviews",
        "_selected_action": [product.pk],
        "post": "yes",
        "languages": ["en"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:shop_product_changelist"), data)
    assert response.status_code == 302
    draft = GenerationJob.objects.get().drafts.get()
    page = client.get(product.get_absolute_url())
    assert "What customers say" not in page.content.decode()  # not approved yet

    url = reverse("admin:llmshop_content_draft_change", args=[draft.pk])
    assert admin_client.post(url, {"_approve": "1"}).status_code == 302
    html = client.get(product.get_absolute_url()).content.decode()
    assert "What customers say" in html and "Customers like it." in html
    assert "<li>keeps cold</li>" in html and "<li>heavy</li>" in html
    assert "Summarised from 60 reviews." in html


def test_summary_is_escaped_and_in_the_current_language(reviews, admin_user, db):
    from django.contrib.contenttypes.models import ContentType

    def publish(language, summary):
        return Draft.objects.create(
            product_type=ContentType.objects.get_for_model(reviews),
            product_id=str(reviews.pk),
            kind="review_summary",
            language=language,
            status="published",
            parts={"summary": summary, "pros": ["<b>light</b>"], "cons": [], "review_count": 2},
        )

    publish("en", "<script>alert(1)</script> Sturdy.")
    publish("zh-hans", "结实耐用。")
    template = Template("{% load llmshop %}{% llmshop_review_summary product %}")
    with translation.override("en-us"):
        html = template.render(Context({"product": reviews}))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Sturdy." in html
    assert "&lt;b&gt;light&lt;/b&gt;" in html
    with translation.override("zh-hans"):
        assert "结实耐用。" in template.render(Context({"product": reviews}))
    with translation.override("de"):
        assert template.render(Context({"product": reviews})) == ""
    assert template.render(Context({"product": None})) == ""
