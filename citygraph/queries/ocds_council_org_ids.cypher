// Org-ids of a council's buyer parties that load-ocds recognised by name (graph/ocds.py, Identities), so a
// later notice with the same party id finds the council whatever name it spells.
UNWIND $rows AS row
MATCH (b:Borough {code: row.code})
WITH b, row
WHERE NOT row.orgId IN coalesce(b.orgIds, [])
SET b.orgIds = coalesce(b.orgIds, []) + row.orgId
