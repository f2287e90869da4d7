// The change log (admins only): oldest first from $since, optionally of one borough.
MATCH (c:Change)
WHERE ($since IS NULL OR c.at >= $since) AND ($borough IS NULL OR $borough IN c.boroughs)
RETURN c {.*} AS item
ORDER BY c.at, c.id
LIMIT $limit
