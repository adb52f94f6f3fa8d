"""Experiment statistics: sticky arms, Wilson intervals and Newcombe's difference interval."""

from __future__ import annotations

import math

import pytest

from django_llmshop import experiments


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", score method.
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
     (1, 29, 0.0061, 0.1718)],
)  # fmt: skip
def test_wilson_matches_published_intervals(successes, trials, low, high):
    found = experiments.wilson(successes, trials)
    assert found.value == pytest.approx(successes / trials)
    assert (round(found.low, 4), round(found.high, 4)) == (low, high)


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    # Newcombe (1998), "Interval estimation for the difference between independent
    # proportions", method 10 (hybrid score), examples (a) and (b).
    [((48, 80), (56, 70), 0.0524, 0.3339), ((3, 10), (9, 10), 0.1705, 0.8090)],
)
def test_difference_matches_published_intervals(a, b, low, high):
    found = experiments.difference(a, b)
    assert found.value == pytest.approx(b[0] / b[1] - a[0] / a[1])
    assert (round(found.low, 4), round(found.high, 4)) == (low, high)
    assert found.excludes_zero()


def test_a_difference_of_equal_rates_includes_zero():
    found = experiments.difference((10, 100), (10, 100))
    assert found.value == 0 and found.low < 0 < found.high and not found.excludes_zero()


def test_no_trials_is_an_uninformative_interval_and_bad_counts_are_refused():
    assert experiments.wilson(0, 0) == experiments.Interval(0.0, 0.0, 1.0)
    with pytest.raises(ValueError):
        experiments.wilson(5, 4)


def test_arms_are_sticky_and_split_by_the_share():
    keys = [f"s:{n}" for n in range(4000)]
    first = [experiments.assign("exp", k, 0.1) for k in keys]
    assert first == [experiments.assign("exp", k, 0.1) for k in keys]
    share = first.count("baseline") / len(keys)
    # Binomial(4000, 0.1): the standard deviation is under 0.005, so 5 sigma is 0.024.
    assert abs(share - 0.1) < 5 * math.sqrt(0.1 * 0.9 / len(keys))
    # Another experiment name draws anew.
    assert first != [experiments.assign("other", k, 0.1) for k in keys]
    assert all(experiments.assign("exp", k, 0.0) == "treatment" for k in keys[:50])
    assert all(experiments.assign("exp", k, 1.0) == "baseline" for k in keys[:50])


def test_one_trial_per_shopper_is_no_clustering():
    shoppers = [(1, 1)] * 14 + [(0, 1)] * 266
    assert experiments.design_effect(shoppers) == pytest.approx(1.0)


def test_a_few_shoppers_viewing_often_widen_the_interval():
    # The same 14 successes in 280 trials: from 280 shoppers, or from 28 shoppers of 10 views
    # each where two shoppers make all of them.
    clustered = [(7, 10)] * 2 + [(0, 10)] * 26
    deff = experiments.design_effect(clustered)
    assert deff > 5
    plain = experiments.wilson(14, 280)
    wide = experiments.wilson(*experiments.effective(14, 280, deff))
    assert wide.value == pytest.approx(plain.value)
    assert wide.low < plain.low and wide.high > plain.high
    treated = [(1, 10)] * 28  # 28 in 280, spread evenly: no clustering at all
    lead = experiments.difference(
        experiments.effective(14, 280, deff),
        experiments.effective(28, 280, experiments.design_effect(treated)),
    )
    assert not lead.excludes_zero()  # twice the rate is no evidence with two clicking shoppers
    assert experiments.difference((14, 280), (28, 280)).excludes_zero()  # counted as independent


@pytest.mark.parametrize("pairs", [[], [(3, 5)], [(0, 4), (0, 6)], [(4, 4), (6, 6)]])
def test_the_design_effect_is_one_when_it_cannot_be_told(pairs):
    assert experiments.design_effect(pairs) == 1.0
