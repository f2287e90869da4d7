// Ends the import holding $token. Run as the last statement of the import's own write transaction, so the
// data and the release commit together; released = 0 means the lock was taken over (the import then
// rolls back). Also run on its own after a failed import.
MATCH (l:ImportLock {name: 'import'}) WHERE l.token = $token
DELETE l
RETURN count(l) AS released
