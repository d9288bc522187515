-- Variant values (docs/resources.md, "Variant values"): experiment_variants gains value, the JSON the
-- variant stands for, as jsonb; a variant without a value stands for its id, so the column holds the
-- id as a JSON string, as get and getOrMake answer it. Appended as the last column: CREATE OR
-- REPLACE VIEW may add columns at the end only, and keeps every earlier column, the view's owner
-- and its grants (the analyst, editor and admin roles read it as before).

CREATE OR REPLACE VIEW experimentation.experiment_variants AS
SELECT r.id                                         AS experiment_id,
       v ->> 'id'                                   AS variant_id,
       coalesce((v ->> 'isControl')::boolean, false) AS is_control,
       v ->> 'name'                                 AS name,
       v ->> 'description'                          AS description,
       coalesce(v -> 'value', to_jsonb(v ->> 'id')) AS value
FROM resource r
CROSS JOIN LATERAL jsonb_array_elements(r.document::jsonb -> 'spec' -> 'variants') v
WHERE r.kind = 'experiment';
