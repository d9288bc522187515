-- Who stored each version of a resource (docs/resources.md, "History"): the API token the apply
-- carried, its id and its name as they were then. A version Allot made itself (the built-ins) has
-- no token id and the name 'system'; versions stored before this migration have neither.
ALTER TABLE resource_version ADD COLUMN author_token_id TEXT;
ALTER TABLE resource_version ADD COLUMN author_token_name TEXT;

-- Every version of every resource, with who changed it and when (docs/views.md). The other views
-- show current state only; this one is the history. Readable by the three roles through the
-- default privileges of schema experimentation.
CREATE VIEW experimentation.resource_versions AS
SELECT v.kind,
       v.id,
       v.resource_version,
       d.document -> 'metadata' ->> 'status' AS status,
       d.document -> 'metadata' ->> 'name'   AS name,
       v.created_at::timestamptz             AS changed_at,
       v.author_token_id                     AS changed_by_token_id,
       v.author_token_name                   AS changed_by_token_name,
       d.document
FROM resource_version v
CROSS JOIN LATERAL (SELECT v.document::jsonb AS document) d;
