// One entry of the append-only change log, in the transaction of the change it records.
CREATE (c:Change {id: randomUUID(), at: datetime(), principal: $principal, role: $role, operation: $operation,
                  kind: $kind, key: $key, boroughs: $boroughs, before: $before, after: $after})
RETURN c {.*} AS change
