// Staging (a load too large for one transaction, docs/importing.md): new service areas under a staging
// label that no reader matches. import_publish gives them their real label.
UNWIND $rows AS row
CREATE (:StagedServiceArea {name: row.name, kind: row.kind, source: $source, updatedAt: datetime()})
RETURN 'created' AS status, count(*) AS count
