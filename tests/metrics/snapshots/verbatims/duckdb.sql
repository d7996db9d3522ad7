-- the metric
SELECT
  *
FROM (
  SELECT
    "t5"."feedback_id",
    "t5"."customer_id",
    "t3"."name",
    "t3"."email",
    "t5"."kind",
    CAST("t5"."score" AS BIGINT) AS "score",
    CASE
      WHEN (
        "t5"."kind" = 'nps'
      ) AND (
        "t5"."score" IS NOT NULL
      )
      THEN CASE
        WHEN "t5"."score" >= 9
        THEN 'promoter'
        WHEN "t5"."score" >= 7
        THEN 'passive'
        ELSE 'detractor'
      END
      ELSE NULL
    END AS "group",
    "t5"."comment",
    "t5"."survey",
    "t5"."cancel_reason",
    "t5"."submitted_at"
  FROM (
    SELECT
      *
    FROM "feedback" AS "t0"
    WHERE
      "t0"."comment" IS NOT NULL
      AND REGEXP_MATCHES("t0"."comment", '\S')
      AND CAST("t0"."submitted_at" AS DATE) <= MAKE_DATE(2026, 11, 1)
  ) AS "t5"
  LEFT OUTER JOIN (
    SELECT
      "t1"."customer_id",
      "t1"."name",
      "t1"."email"
    FROM "customers" AS "t1"
  ) AS "t3"
    ON "t5"."customer_id" = "t3"."customer_id"
) AS "t6"
ORDER BY
  "t6"."submitted_at" DESC,
  "t6"."feedback_id" ASC
