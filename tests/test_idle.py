"""The one idle-expiry map behind conversations, Telegram buttons and group sessions."""

from bot.idle import IdleMap


def test_entries_expire_after_the_idle_time_and_use_keeps_them_alive():
    now = [0.0]
    states: IdleMap[str, int] = IdleMap(60, clock=lambda: now[0])
    states.put("a", 1)
    states.put("b", 2)
    now[0] = 50
    assert states.get("a") == 1  # used at 50: alive until 110
    assert states.get("b", touch=False) == 2  # looked at, not used
    now[0] = 100
    assert states.expire_idle() == 1 and list(states) == ["a"]
    now[0] = 111
    assert states.get("a") is None and len(states) == 0
    states.pop("missing")  # forgetting what is not there is fine
