MATCH ()-[u:USES]->()
RETURN count(u) AS count
