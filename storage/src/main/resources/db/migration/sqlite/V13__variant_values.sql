-- Variant values (docs/resources.md, "Variant values"): experiment_variants gains value, the JSON the
-- variant stands for, as JSON text (SQLite has no JSON type: read it with json_extract or ->>); a
-- variant without a value stands for its id, so the column holds the id as a JSON string, as get and
-- getOrMake answer it. The last column, like PostgreSQL's. SQLite cannot replace a view, and no
-- other view reads this one: it is dropped and created again.

DROP VIEW experiment_variants;

CREATE VIEW experiment_variants AS
SELECT r.id                                          AS experiment_id,
       json_extract(v.value, '$.id')                 AS variant_id,
       coalesce(json_extract(v.value, '$.isControl'), 0) AS is_control,
       json_extract(v.value, '$.name')               AS name,
       json_extract(v.value, '$.description')        AS description,
       coalesce(v.value -> '$.value', json_quote(json_extract(v.value, '$.id'))) AS value
FROM resource r, json_each(r.document, '$.spec.variants') v
WHERE r.kind = 'experiment';
