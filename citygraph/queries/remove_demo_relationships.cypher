// Removes up to $batch relationships the synthetic demo wrote between nodes that are not its own
// (e.g. MEMBER_OF of a real council); returns how many. Called until it returns 0.
MATCH ()-[r]->()
WHERE r.source STARTS WITH 'demo:'
WITH r LIMIT $batch
DELETE r
RETURN count(*) AS count
