"""Django's Redis cache with one redis-py client per connection pool.

Django builds a new `redis.Redis` for every cache call (0.1 ms each: the client copies its
table of response callbacks), and every API request calls Redis (its throttle, one script call
per throttle that applies). Django keeps
a cache object per thread, and each now keeps its client for the life of the pool: the
commands still take a connection from the pool each time (redis-py clients are thread-safe
in any case).
"""

from __future__ import annotations

from django.core.cache.backends import redis
from redis import Redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Redis] = {}

    def get_client(self, key: str | None = None, *, write: bool = False) -> Redis:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def redis_client(self) -> Redis:
        """The redis-py client of the writer pool, for commands Django's cache API has none of."""
        return self._cache.get_client(write=True)
