// Removes up to $batch nodes of the synthetic demo (source "demo:…", graph/demo.py) with their
// relationships; returns how many. Called until it returns 0 (`citygraph up --data real`).
MATCH (n)
WHERE n.source STARTS WITH 'demo:'
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS count
