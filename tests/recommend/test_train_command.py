"""The training command trains and activates a model from the catalog and the events."""

from io import StringIO

from django.core.management import call_command

from django_llmshop.recommend.models import TrainedModel


def test_command_trains_and_activates(db):
    call_command("load_demo_shop", stdout=StringIO())
    out = StringIO()
    call_command("llmshop_train_recommendations", stdout=out)
    model = TrainedModel.objects.get(status=TrainedModel.Status.ACTIVE)
    assert f"Recommendation model {model.pk}:" in out.getvalue()
    assert model.items >= 60 and model.neighbours > 0
