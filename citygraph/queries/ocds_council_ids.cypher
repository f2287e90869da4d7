// Every council's code and the org-ids (Contracts Finder party ids, …) a load-ocds recognised it by before.
MATCH (b:Borough)
RETURN b.code AS code, coalesce(b.orgIds, []) AS orgIds
ORDER BY code
