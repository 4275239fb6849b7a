"""The token bucket behind the channels' rate limits."""

from bot.web.limits import RateLimit


def test_a_burst_goes_through_then_the_client_waits_then_it_refills():
    limit = RateLimit(per_minute=30, burst=3)
    assert [limit.wait("a", now=0.0) for _ in range(3)] == [0, 0, 0]
    assert limit.wait("a", now=0.0) == 2  # one message every 2 s
    assert limit.wait("b", now=0.0) == 0  # another client is not affected
    assert limit.wait("a", now=2.0) == 0


def test_memory_stays_bounded():
    limit = RateLimit(per_minute=60, burst=1, max_keys=10)
    for number in range(100):
        limit.wait(str(number), now=0.0)
    assert len(limit._buckets) == 10
