// removeSystemUse: the borough no longer uses the system.
MATCH (:Borough {code: $boroughCode})-[u:USES]->(:System {id: $systemId})
DELETE u
