-- run while the expression is built (1 of 1)
SELECT
  "t2"."period",
  "t2"."responses",
  "t2"."promoters",
  "t2"."passives",
  "t2"."detractors",
  CASE
    WHEN "t2"."responses" > 0
    THEN CAST((
      CAST("t2"."promoters" - "t2"."detractors" AS DOUBLE PRECISION) * 100
    ) AS DOUBLE PRECISION) / "t2"."responses"
    ELSE NULL
  END AS "nps"
FROM (
  SELECT
    "t1"."period",
    COUNT(*) AS "responses",
    SUM(CAST(CAST("t1"."score" >= 9 AS INT) AS BIGINT)) AS "promoters",
    SUM(CAST(CAST((
      "t1"."score" >= 7
    ) AND (
      "t1"."score" <= 8
    ) AS INT) AS BIGINT)) AS "passives",
    SUM(CAST(CAST("t1"."score" <= 6 AS INT) AS BIGINT)) AS "detractors"
  FROM (
    SELECT
      "t0"."feedback_id",
      "t0"."customer_id",
      "t0"."kind",
      "t0"."score",
      "t0"."comment",
      "t0"."survey",
      "t0"."cancel_reason",
      "t0"."locale",
      "t0"."submitted_at",
      "t0"."_version_at",
      DATE_TRUNC('MONTH', DATE("t0"."submitted_at")) AS "period"
    FROM "feedback" AS "t0"
    WHERE
      "t0"."kind" = 'nps'
      AND "t0"."score" IS NOT NULL
      AND DATE("t0"."submitted_at") <= MAKE_DATE(2026, 11, 1)
  ) AS "t1"
  GROUP BY
    1
) AS "t2"
ORDER BY
  "t2"."period" ASC;

-- the metric
SELECT
  *
FROM "ibis_memtable_0"
