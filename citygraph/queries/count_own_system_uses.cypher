// System uses other than the shipped reference data's (e.g. the planning systems): is there any data of
// the user's, or the demo's, yet?
MATCH ()-[u:USES]->()
WHERE NOT coalesce(u.source, '') STARTS WITH 'reference:'
RETURN count(u) AS count
