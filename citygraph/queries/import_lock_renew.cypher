// The running import's heartbeat: extends its lease. No row counted when the lock is no longer $token's.
MATCH (l:ImportLock {name: 'import'}) WHERE l.token = $token
SET l.heartbeat = datetime(), l.expiresAt = datetime() + duration({milliseconds: $ttlMs})
RETURN count(l) AS renewed
