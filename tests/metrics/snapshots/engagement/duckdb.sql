-- run while the expression is built (1 of 1)
SELECT
  MIN("t3"."day") AS "Min(day)"
FROM (
  SELECT
    *
  FROM (
    SELECT
      "t1"."message_id",
      "t1"."type",
      "t1"."event",
      "t1"."name",
      "t1"."user_id",
      "t1"."anonymous_id",
      "t1"."customer_id",
      "t1"."properties",
      "t1"."traits",
      "t1"."device_type",
      "t1"."os_name",
      "t1"."locale",
      "t1"."timezone",
      "t1"."country",
      "t1"."page_path",
      "t1"."occurred_at",
      "t1"."_version_at",
      "t1"."_hash",
      "t1"."_source",
      "t1"."_line",
      "t1"."_ingest_id",
      "t1"."_event_id",
      COALESCE("t1"."user_id", "t1"."anonymous_id") AS "user",
      CAST(CAST(MAKE_DATE(1970, 1, 1) + TO_DAYS(CAST(FLOOR(EPOCH("t1"."occurred_at") / 86400) AS BIGINT)) AS TIMESTAMP) AS DATE) AS "day"
    FROM (
      SELECT
        *
      FROM "events" AS "t0"
      WHERE
        "t0"."type" IN ('track', 'page', 'screen')
    ) AS "t1"
  ) AS "t2"
  WHERE
    "t2"."user" IS NOT NULL AND "t2"."day" <= MAKE_DATE(2026, 11, 1)
) AS "t3";

-- the metric
WITH "t4" AS (
  SELECT
    "t3"."message_id",
    "t3"."type",
    "t3"."event",
    "t3"."name",
    "t3"."user_id",
    "t3"."anonymous_id",
    "t3"."customer_id",
    "t3"."properties",
    "t3"."traits",
    "t3"."device_type",
    "t3"."os_name",
    "t3"."locale",
    "t3"."timezone",
    "t3"."country",
    "t3"."page_path",
    "t3"."occurred_at",
    "t3"."_version_at",
    "t3"."_hash",
    "t3"."_source",
    "t3"."_line",
    "t3"."_ingest_id",
    "t3"."_event_id",
    COALESCE("t3"."user_id", "t3"."anonymous_id") AS "user",
    CAST(CAST(MAKE_DATE(1970, 1, 1) + TO_DAYS(CAST(FLOOR(EPOCH("t3"."occurred_at") / 86400) AS BIGINT)) AS TIMESTAMP) AS DATE) AS "day"
  FROM (
    SELECT
      *
    FROM "events" AS "t1"
    WHERE
      "t1"."type" IN ('track', 'page', 'screen')
  ) AS "t3"
), "t6" AS (
  SELECT
    "t5"."message_id",
    "t5"."type",
    "t5"."event",
    "t5"."name",
    "t5"."user_id",
    "t5"."anonymous_id",
    "t5"."customer_id",
    "t5"."properties",
    "t5"."traits",
    "t5"."device_type",
    "t5"."os_name",
    "t5"."locale",
    "t5"."timezone",
    "t5"."country",
    "t5"."page_path",
    "t5"."occurred_at",
    "t5"."_version_at",
    "t5"."_hash",
    "t5"."_source",
    "t5"."_line",
    "t5"."_ingest_id",
    "t5"."_event_id",
    "t5"."user",
    "t5"."day",
    DATE_TRUNC('MONTH', "t5"."day") AS "period",
    DATE_TRUNC('WEEK', "t5"."day") AS "week"
  FROM "t4" AS "t5"
  WHERE
    "t5"."user" IS NOT NULL AND "t5"."day" <= MAKE_DATE(2026, 11, 1)
)
SELECT
  "t24"."label" AS "period",
  COALESCE("t24"."active_users", 0) AS "active_users",
  COALESCE("t24"."active_accounts", 0) AS "active_accounts",
  CAST(COALESCE("t24"."user_days", 0) AS DOUBLE) / "t24"."n_days" AS "dau",
  CASE
    WHEN "t24"."n_weeks" > 0
    THEN CAST(COALESCE("t24"."user_weeks", 0) AS DOUBLE) / "t24"."n_weeks"
    ELSE NULL
  END AS "wau",
  CASE
    WHEN COALESCE("t24"."active_users", 0) > 0
    THEN (
      CAST(COALESCE("t24"."user_days", 0) AS DOUBLE) / "t24"."n_days"
    ) / CAST(COALESCE("t24"."active_users", 0) AS DOUBLE)
    ELSE NULL
  END AS "stickiness"
FROM (
  SELECT
    "t23".*
    EXCLUDE ("period_right")
  FROM (
    SELECT
      "t22"."period",
      "t22"."label",
      "t22"."n_days",
      "t22"."n_weeks",
      "t22"."active_users",
      "t22"."active_accounts",
      "t22"."user_days",
      "t15"."period" AS "period_right",
      "t15"."user_weeks"
    FROM (
      SELECT
        "t20".*
        EXCLUDE ("period_right")
      FROM (
        SELECT
          "t19"."period",
          "t19"."label",
          "t19"."n_days",
          "t19"."n_weeks",
          "t19"."active_users",
          "t19"."active_accounts",
          "t16"."period" AS "period_right",
          "t16"."user_days"
        FROM (
          SELECT
            "t17".*
            EXCLUDE ("period_right")
          FROM (
            SELECT
              "t2"."period",
              "t2"."label",
              "t2"."n_days",
              "t2"."n_weeks",
              "t12"."period" AS "period_right",
              "t12"."active_users",
              "t12"."active_accounts"
            FROM "ibis_memtable_0" AS "t2"
            LEFT OUTER JOIN (
              SELECT
                "t8"."period",
                COUNT(DISTINCT "t8"."user") AS "active_users",
                COUNT(DISTINCT "t8"."customer_id") AS "active_accounts"
              FROM "t6" AS "t8"
              GROUP BY
                1
            ) AS "t12"
              ON "t2"."period" = "t12"."period"
          ) AS "t17"
        ) AS "t19"
        LEFT OUTER JOIN (
          SELECT
            "t10"."period",
            SUM("t10"."n") AS "user_days"
          FROM (
            SELECT
              "t8"."period",
              "t8"."day",
              COUNT(DISTINCT "t8"."user") AS "n"
            FROM "t6" AS "t8"
            GROUP BY
              1,
              2
          ) AS "t10"
          GROUP BY
            1
        ) AS "t16"
          ON "t19"."period" = "t16"."period"
      ) AS "t20"
    ) AS "t22"
    LEFT OUTER JOIN (
      SELECT
        "t9"."period",
        SUM("t9"."n") AS "user_weeks"
      FROM (
        SELECT
          "t7"."period",
          "t7"."week",
          COUNT(DISTINCT "t7"."user") AS "n"
        FROM (
          SELECT
            "t5"."message_id",
            "t5"."type",
            "t5"."event",
            "t5"."name",
            "t5"."user_id",
            "t5"."anonymous_id",
            "t5"."customer_id",
            "t5"."properties",
            "t5"."traits",
            "t5"."device_type",
            "t5"."os_name",
            "t5"."locale",
            "t5"."timezone",
            "t5"."country",
            "t5"."page_path",
            "t5"."occurred_at",
            "t5"."_version_at",
            "t5"."_hash",
            "t5"."_source",
            "t5"."_line",
            "t5"."_ingest_id",
            "t5"."_event_id",
            "t5"."user",
            "t5"."day",
            DATE_TRUNC('MONTH', DATE_TRUNC('WEEK', "t5"."day")) AS "period",
            DATE_TRUNC('WEEK', "t5"."day") AS "week"
          FROM "t4" AS "t5"
          WHERE
            "t5"."user" IS NOT NULL AND "t5"."day" <= MAKE_DATE(2026, 11, 1)
        ) AS "t7"
        GROUP BY
          1,
          2
      ) AS "t9"
      GROUP BY
        1
    ) AS "t15"
      ON "t22"."period" = "t15"."period"
  ) AS "t23"
) AS "t24"
ORDER BY
  "t24"."label" ASC
