// Staging: new boroughs without partnerships (a borough with partnerships is written at publication).
UNWIND $rows AS row
CREATE (:StagedBorough {code: row.code, name: row.name, region: row.region, source: $source, updatedAt: datetime()})
RETURN 'created' AS status, count(*) AS count
