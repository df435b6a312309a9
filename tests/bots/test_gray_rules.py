from __future__ import annotations

from oiap.domain.flow_versions import GrayRule, VersionRouting, select_version

VERSIONS = [
    VersionRouting(1, is_default=True),
    VersionRouting(2, gray=GrayRule(prefixes=("139",))),
    VersionRouting(3, gray=GrayRule(numbers=("13900000001",), prefixes=("1391",))),
]


def test_default_version_takes_numbers_no_rule_names() -> None:
    assert select_version(VERSIONS, "13800000000") == 1


def test_prefix_rule_routes_matching_numbers() -> None:
    assert select_version(VERSIONS, "13955555555") == 2


def test_longer_prefix_and_exact_number_win() -> None:
    assert select_version(VERSIONS, "13912345678") == 3
    assert select_version(VERSIONS, "13900000001") == 3


def test_rollback_is_choosing_another_default() -> None:
    rolled = [VersionRouting(1, True), VersionRouting(2), VersionRouting(3)]
    assert select_version(rolled, "13912345678") == 1


def test_no_versions_means_nothing_to_run() -> None:
    assert select_version([], "1") is None
