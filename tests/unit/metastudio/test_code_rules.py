"""Activation codes and one-time codes: validity, reset and the code alphabet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from oiap.domain.dialog_codes import ActiveCode, new_active_code, new_once_code

T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


def _code(valid_period: int) -> ActiveCode:
    return ActiveCode("c1", "p1", "robot", "room", "8H3KQ2", valid_period, T0, T0)


def test_validity_counts_days_from_creation_and_zero_never_expires() -> None:
    code = _code(30)
    assert code.expire_time == T0 + timedelta(days=30)
    assert not code.expired(T0 + timedelta(days=30) - timedelta(seconds=1))
    assert code.expired(T0 + timedelta(days=30))
    forever = _code(0)
    assert forever.expire_time is None
    assert not forever.expired(T0 + timedelta(days=100000))


def test_a_new_period_still_counts_from_creation() -> None:
    later = T0 + timedelta(days=40)
    extended = _code(30).with_period(60, later)
    assert extended.expire_time == T0 + timedelta(days=60)
    assert extended.update_time == later and extended.create_time == T0
    assert not extended.expired(later)


def test_reset_changes_the_code_but_not_its_validity() -> None:
    code = _code(30)
    later = T0 + timedelta(days=1)
    fresh = code.reset(later)
    assert fresh.active_code != code.active_code
    assert (fresh.active_code_id, fresh.expire_time) == (code.active_code_id, code.expire_time)
    assert fresh.update_time == later


def test_codes_are_easy_to_type_and_unpredictable() -> None:
    many = {new_active_code() for _ in range(500)}
    assert len(many) > 490
    for code in many:
        assert len(code) == 6 and code.isalnum() and code.upper() == code
        assert not set(code) & set("0O1I")
    once = {new_once_code() for _ in range(500)}
    assert len(once) == 500 and all(len(c) == 12 for c in once)
