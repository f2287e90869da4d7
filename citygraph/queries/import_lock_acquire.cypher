// Takes the import lock for $token when nobody holds it, its holder's lease has expired, or its holder is
// $stale (a loader on this host whose process is gone). `SET l.claiming` takes the node's write lock before
// the holder is read, so two loaders deciding at the same moment queue here and the second sees the first.
// All times are the database's clock, so loaders on machines with different clocks agree.
MERGE (l:ImportLock {name: 'import'})
SET l.claiming = true
WITH l, (l.token IS NULL OR l.expiresAt < datetime() OR l.token = $stale) AS free
CALL (l, free) {
  WITH l WHERE free
  SET l.token = $token, l.holder = $holder, l.pid = $pid, l.host = $host,
      l.started = datetime(), l.heartbeat = datetime(), l.expiresAt = datetime() + duration({milliseconds: $ttlMs})
}
REMOVE l.claiming
RETURN l.token = $token AS acquired, l.token AS token, l.holder AS holder, l.pid AS pid, l.host AS host,
       l.started AS started, l.heartbeat AS heartbeat, l.expiresAt AS expiresAt, datetime() AS now
