-- Experiment health (docs/health.md): per experiment, cohort and assigned variant, the assigned
-- subjects, those exposed to their variant and those exposed to another; and per UTC day the new
-- assignments and first exposures. Cohort 0 holds imported assignments. docs/views.md lists them.
CREATE VIEW experiment_health AS
SELECT a.experiment_id AS experiment_id,
       a.cohort_index  AS cohort_index,
       a.variant_id    AS variant_id,
       count(*)        AS assigned_count,
       sum(CASE WHEN EXISTS (SELECT 1 FROM exposure_event e
                             WHERE e.experiment_id = a.experiment_id
                               AND e.subject_id = a.subject_id
                               AND e.variant_id = a.variant_id)
                THEN 1 ELSE 0 END) AS exposed_count,
       sum(CASE WHEN EXISTS (SELECT 1 FROM exposure_event e
                             WHERE e.experiment_id = a.experiment_id
                               AND e.subject_id = a.subject_id
                               AND e.variant_id <> a.variant_id)
                THEN 1 ELSE 0 END) AS mismatch_count
FROM assignment a
GROUP BY a.experiment_id, a.cohort_index, a.variant_id;

-- Times are fixed-width UTC text: the first 10 characters are the UTC date.
CREATE VIEW experiment_health_daily AS
SELECT d.experiment_id AS experiment_id,
       d.day           AS activity_date,
       d.variant_id    AS variant_id,
       sum(d.assigned) AS assigned_count,
       sum(d.exposed)  AS exposed_count
FROM (SELECT a.experiment_id, substr(a.created_at, 1, 10) AS day, a.variant_id,
             1 AS assigned, 0 AS exposed
      FROM assignment a
      UNION ALL
      SELECT e.experiment_id, substr(min(e.event_time), 1, 10) AS day, e.variant_id,
             0 AS assigned, 1 AS exposed
      FROM exposure_event e
      GROUP BY e.experiment_id, e.subject_id, e.variant_id) d
GROUP BY d.experiment_id, d.day, d.variant_id;
