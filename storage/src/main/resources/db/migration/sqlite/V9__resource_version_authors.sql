-- Who stored each version of a resource (docs/resources.md, "History"): the API token the apply
-- carried, its id and its name as they were then. A version Allot made itself (the built-ins) has
-- no token id and the name 'system'; versions stored before this migration have neither.
ALTER TABLE resource_version ADD COLUMN author_token_id TEXT;
ALTER TABLE resource_version ADD COLUMN author_token_name TEXT;

-- Every version of every resource, with who changed it and when (docs/views.md). The other views
-- show current state only; this one is the history.
CREATE VIEW resource_versions AS
SELECT v.kind                                         AS kind,
       v.id                                           AS id,
       v.resource_version                             AS resource_version,
       json_extract(v.document, '$.metadata.status')  AS status,
       json_extract(v.document, '$.metadata.name')    AS name,
       v.created_at                                   AS changed_at,
       v.author_token_id                              AS changed_by_token_id,
       v.author_token_name                            AS changed_by_token_name,
       v.document                                     AS document
FROM resource_version v;
