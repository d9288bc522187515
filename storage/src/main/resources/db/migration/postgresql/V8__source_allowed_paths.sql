-- The files and directories a DuckDB source's SQL may read (docs/imports.md#what-a-source-may-read),
-- as a JSON array of absolute paths. None by default: a DuckDB source stored before this column
-- existed reads no file until an admin gives it its allowedPaths (PUT /v1/sources/{name}).
ALTER TABLE source ADD COLUMN allowed_paths TEXT NOT NULL DEFAULT '[]';
