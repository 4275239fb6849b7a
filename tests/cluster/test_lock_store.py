"""The cluster's lock store on a real Redis: tickets issued at the same moment by several replicas are all
different, and the lock goes away with its last ticket (Rasa's own store reads and writes back, and loses
tickets under such a race)."""

import asyncio
import threading

from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from components.cluster_stores import ClusterLockStore


def replicas(redis, count: int, store_class=ClusterLockStore) -> list:
    service, _ = redis
    config = EndpointConfig(url="127.0.0.1", port=service.port, password=service.password, db=1)
    if store_class is ClusterLockStore:
        return [ClusterLockStore(config) for _ in range(count)]
    return [store_class(host="127.0.0.1", port=service.port, password=service.password, db=1) for _ in range(count)]


def tickets_issued_at_once(stores, conversation_id: str, per_store: int = 25) -> list[int]:
    issued: list[int] = []
    start = threading.Barrier(len(stores) * per_store)

    def issue(store) -> None:
        start.wait()
        issued.append(store.issue_ticket(conversation_id))

    threads = [threading.Thread(target=issue, args=(store,)) for store in stores for _ in range(per_store)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return issued


def test_tickets_issued_at_once_by_several_replicas_are_all_different(redis):
    issued = tickets_issued_at_once(replicas(redis, 4), "at-once")
    assert len(issued) == 100 and len(set(issued)) == 100


def test_rasa_s_own_redis_lock_store_loses_tickets_in_the_same_race(redis):
    issued = tickets_issued_at_once(replicas(redis, 4, RedisLockStore), "at-once-rasa")
    assert len(set(issued)) < len(issued)  # why ClusterLockStore exists


def test_the_lock_goes_away_with_its_last_ticket_and_messages_take_turns(redis):
    first, second = replicas(redis, 2)
    order: list[str] = []

    async def turn(store, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with store.lock("turns", wait_time_in_seconds=0.05):
            order.append(f"{name} in")
            await asyncio.sleep(0.2)
            order.append(f"{name} out")

    async def both() -> None:
        await asyncio.gather(turn(first, "first", 0), turn(second, "second", 0.05))

    asyncio.run(both())
    assert order == ["first in", "first out", "second in", "second out"]
    assert first.get_lock("turns") is None
