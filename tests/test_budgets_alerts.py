"""Budget alerts: once per budget, period and share, by e-mail to permitted staff and a signal."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.core.management import call_command
from django.test.utils import override_settings

from django_llmshop.budgetchecks import check_budget_settings
from django_llmshop.gateway import llm_for
from django_llmshop.models import Budget, BudgetAlert
from django_llmshop.signals import budget_threshold_reached
from django_llmshop.testing import Reply

pytestmark = pytest.mark.django_db

MESSAGES = [{"role": "user", "content": "Describe the bottle"}]


@pytest.fixture
def endpoint(llm_server, settings):
    settings.LLMSHOP = {
        "ENDPOINTS": {
            "default": {
                "BASE_URL": llm_server.base_url,
                "MODEL": "fake",
                "PRICE_PER_MTOK_IN": 1_000_000.0,  # one unit per prompt token
                "PRICE_PER_MTOK_OUT": 0.0,
            }
        },
        "DAILY_BUDGETS": {"content": 10},
    }
    return llm_server


@pytest.fixture
def staff():
    permission = Permission.objects.get(codename="receive_budget_alerts")
    allowed = User.objects.create_user("ops", "ops@example.com", is_staff=True)
    allowed.user_permissions.add(permission)
    group = Group.objects.create(name="finance")
    group.permissions.add(permission)
    in_group = User.objects.create_user("fin", "fin@example.com", is_staff=True)
    in_group.groups.add(group)
    User.objects.create_user("clerk", "clerk@example.com", is_staff=True)  # no permission
    shopper = User.objects.create_user("shopper", "shopper@example.com")
    shopper.user_permissions.add(permission)  # not staff
    User.objects.create_superuser("root", "root@example.com")
    return allowed


@pytest.fixture
def received():
    seen = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    budget_threshold_reached.connect(receiver)
    yield seen
    budget_threshold_reached.disconnect(receiver)


def spend(endpoint, units, captured):
    """One call that costs ``units``."""
    endpoint.add(Reply.text("ok", usage=(units, 0)))
    with captured(execute=True):
        llm_for("content").chat(MESSAGES, max_tokens=1)


def test_crossing_80_percent_alerts_permitted_staff_once(
    endpoint, staff, received, django_capture_on_commit_callbacks
):
    spend(endpoint, 7, django_capture_on_commit_callbacks)
    assert mail.outbox == [] and received == []
    spend(endpoint, 1, django_capture_on_commit_callbacks)  # 8 of 10
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["fin@example.com", "ops@example.com", "root@example.com"]
    assert "80%" in message.subject and "8.0000" in message.body and "10.0000" in message.body
    assert len(received) == 1
    alert = received[0]
    assert alert["share"] == Decimal("0.8") and alert["period"] == "day"
    assert alert["spent"] == Decimal(8) and alert["limit"] == Decimal(10)
    assert alert["budget"].purpose == "content" and alert["budget"].pk is None  # from settings
    spend(endpoint, 1, django_capture_on_commit_callbacks)  # 9 of 10: nothing new
    assert len(mail.outbox) == 1 and len(received) == 1
    assert BudgetAlert.objects.get().share == Decimal("0.8")


def test_one_call_across_both_shares_sends_both_alerts(
    endpoint, staff, received, django_capture_on_commit_callbacks
):
    spend(endpoint, 12, django_capture_on_commit_callbacks)
    assert [alert["share"] for alert in received] == [Decimal("0.8"), Decimal("1.0")]
    assert len(mail.outbox) == 2 and "100%" in mail.outbox[1].subject


def test_a_budget_row_is_the_signal_budget_and_each_period_alerts_apart(
    endpoint, settings, received, django_capture_on_commit_callbacks
):
    row = Budget.objects.create(purpose="content", daily_limit=Decimal(10), monthly_limit=10)
    spend(endpoint, 9, django_capture_on_commit_callbacks)
    assert sorted(alert["period"] for alert in received) == ["day", "month"]
    assert all(alert["budget"] == row for alert in received)
    assert BudgetAlert.objects.count() == 2


def test_the_shares_are_a_setting(endpoint, settings, received, django_capture_on_commit_callbacks):
    settings.LLMSHOP = {**settings.LLMSHOP, "BUDGET_ALERT_SHARES": [0.5]}
    spend(endpoint, 6, django_capture_on_commit_callbacks)
    spend(endpoint, 3, django_capture_on_commit_callbacks)
    assert [alert["share"] for alert in received] == [Decimal("0.5")]


def test_a_failing_receiver_or_mail_server_does_not_fail_the_call(
    endpoint, staff, django_capture_on_commit_callbacks, caplog
):
    def broken(sender, **kwargs):
        raise RuntimeError("receiver down")

    budget_threshold_reached.connect(broken)
    try:
        with override_settings(EMAIL_BACKEND="tests.test_budgets_alerts.RefusingBackend"):
            spend(endpoint, 9, django_capture_on_commit_callbacks)
    finally:
        budget_threshold_reached.disconnect(broken)
    assert "receiver down" in caplog.text and "could not be sent" in caplog.text
    assert BudgetAlert.objects.count() == 1


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_an_alert_with_no_recipients_still_sends_the_signal(
    endpoint, received, django_capture_on_commit_callbacks
):
    spend(endpoint, 9, django_capture_on_commit_callbacks)
    assert mail.outbox == [] and len(received) == 1


@pytest.mark.parametrize(
    ("keys", "fragment"),
    [
        ({"MONTHLY_BUDGETS": {"content": -1}}, "MONTHLY_BUDGETS']['content'] must be None"),
        ({"MONTHLY_BUDGETS": {"fun": 1}}, "unknown purpose 'fun'"),
        ({"DAILY_BUDGETS": []}, "DAILY_BUDGETS'] must be a dict"),
        ({"BUDGET_ALERT_SHARES": (0.8, 1.5)}, "BUDGET_ALERT_SHARES"),
        ({"BUDGET_ALERT_SHARES": "0.8"}, "BUDGET_ALERT_SHARES"),
        ({"BUDGET_RESERVE_TOKENS": 0}, "BUDGET_RESERVE_TOKENS"),
        ({"BUDGET_RESERVE_TOKENS": True}, "BUDGET_RESERVE_TOKENS"),
    ],
)
def test_bad_budget_settings_are_reported(settings, keys, fragment):
    errors = check_budget_settings(keys)
    assert [error.id for error in errors] == ["llmshop.E008"]
    assert fragment in errors[0].msg
    settings.LLMSHOP = {**settings.LLMSHOP, **keys}
    with pytest.raises(Exception, match="llmshop.E008"):
        call_command("check")


def test_good_budget_settings_pass():
    good = {
        "DAILY_BUDGETS": {"content": 1},
        "MONTHLY_BUDGETS": {"content": 20.5, "support": None},
        "BUDGET_ALERT_SHARES": [0.5, 0.8, 1],
        "BUDGET_RESERVE_TOKENS": 256,
    }
    assert check_budget_settings(good) == []


def test_the_alert_is_written_in_the_shops_language(
    endpoint, staff, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "zh-hans"
    spend(endpoint, 9, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.subject == "LLM 预算：今日内容预算已用 80%"
    assert "内容（所有端点）的调用已花费 9.0000，今日限额为 10.0000。" in message.body
