// Every Buyer's id, name and org-ids, for recognising a buyer seen before (graph/ocds.py, Identities).
MATCH (b:Buyer)
RETURN b.id AS id, b.name AS name, coalesce(b.orgIds, []) AS orgIds
ORDER BY id
