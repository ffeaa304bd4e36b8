"""Rating summaries: distribution, plain mean and Bayesian average."""

from __future__ import annotations

import pytest

from brandhub.ratings.scores import PRIOR_MEAN, bayesian_average, summarize, summarize_stars


def test_empty_product_shows_the_prior():
    summary = summarize({})
    assert summary.count == 0 and summary.average is None
    assert summary.bayesian_average == PRIOR_MEAN
    assert summary.distribution == (0, 0, 0, 0, 0)


def test_few_enthusiasts_do_not_beat_many_good_ratings():
    few = summarize_stars([5, 5])
    many = summarize({5: 160, 4: 40})
    assert few.average == 5.0 and many.average == 4.8
    assert few.bayesian_average == pytest.approx(25 / 7)
    assert many.bayesian_average == pytest.approx((15 + 960) / 205)
    assert many.bayesian_average > few.bayesian_average


def test_distribution_is_one_star_first():
    assert summarize_stars([1, 1, 3, 5]).distribution == (2, 0, 1, 0, 1)


@pytest.mark.parametrize("counts", [{0: 1}, {6: 1}, {3: -1}])
def test_bad_counts(counts):
    with pytest.raises(ValueError):
        summarize(counts)


def test_bayesian_average_formula():
    assert bayesian_average(0, 0) == 3.0
    assert bayesian_average(10, 2) == pytest.approx(25 / 7)
