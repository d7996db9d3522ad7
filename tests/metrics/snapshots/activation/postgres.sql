-- run while the expression is built (1 of 1)
SELECT
  "t9"."period",
  "t9"."signups",
  "t9"."eligible",
  "t9"."activated",
  "t9"."median_days_to_activate",
  CASE
    WHEN "t9"."eligible" > 0
    THEN CAST("t9"."activated" AS DOUBLE PRECISION) / CAST("t9"."eligible" AS DOUBLE PRECISION)
    ELSE NULL
  END AS "activation_rate"
FROM (
  SELECT
    "t8"."period",
    COUNT(*) AS "signups",
    SUM(CAST(CAST("t8"."eligible" AS INT) AS BIGINT)) AS "eligible",
    SUM(CAST(CAST("t8"."activated" AS INT) AS BIGINT)) AS "activated",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      "t8"."days") AS "median_days_to_activate"
  FROM (
    SELECT
      "t7"."customer_id",
      "t7"."created_at",
      "t7"."customer_id_right",
      "t7"."first_key_at",
      DATE_TRUNC('MONTH', DATE("t7"."created_at")) AS "period",
      (
        "t7"."first_key_at" IS NOT NULL
      )
      AND (
        (
          CAST(EXTRACT('epoch' FROM "t7"."first_key_at") - EXTRACT('epoch' FROM "t7"."created_at") AS DOUBLE PRECISION) / 86400
        ) <= 14
      ) AS "activated",
      (
        (
          "t7"."first_key_at" IS NOT NULL
        )
        AND (
          (
            CAST(EXTRACT('epoch' FROM "t7"."first_key_at") - EXTRACT('epoch' FROM "t7"."created_at") AS DOUBLE PRECISION) / 86400
          ) <= 14
        )
      )
      OR (
        (
          CAST(EXTRACT('epoch' FROM CAST(MAKE_DATE(2026, 11, 2) AS TIMESTAMP)) - EXTRACT('epoch' FROM CAST("t7"."created_at" AS TIMESTAMP)) AS DOUBLE PRECISION) / 86400
        ) >= 14
      ) AS "eligible",
      CASE
        WHEN (
          "t7"."first_key_at" IS NOT NULL
        )
        AND (
          (
            CAST(EXTRACT('epoch' FROM "t7"."first_key_at") - EXTRACT('epoch' FROM "t7"."created_at") AS DOUBLE PRECISION) / 86400
          ) <= 14
        )
        THEN CAST(EXTRACT('epoch' FROM "t7"."first_key_at") - EXTRACT('epoch' FROM "t7"."created_at") AS DOUBLE PRECISION) / 86400
        ELSE NULL
      END AS "days"
    FROM (
      SELECT
        "t4"."customer_id",
        "t4"."created_at",
        "t6"."customer_id" AS "customer_id_right",
        "t6"."first_key_at"
      FROM (
        SELECT
          "t0"."customer_id",
          "t0"."created_at"
        FROM "customers" AS "t0"
        WHERE
          DATE("t0"."created_at") <= MAKE_DATE(2026, 11, 1)
      ) AS "t4"
      LEFT OUTER JOIN (
        SELECT
          "t3"."customer_id",
          MIN("t3"."occurred_at") AS "first_key_at"
        FROM (
          SELECT
            *
          FROM "events" AS "t1"
          WHERE
            "t1"."type" = 'track'
            AND "t1"."event" = 'Report Created'
            AND "t1"."customer_id" IS NOT NULL
            AND DATE("t1"."occurred_at") <= MAKE_DATE(2026, 11, 1)
        ) AS "t3"
        GROUP BY
          1
      ) AS "t6"
        ON "t4"."customer_id" = "t6"."customer_id"
    ) AS "t7"
  ) AS "t8"
  GROUP BY
    1
) AS "t9"
ORDER BY
  "t9"."period" ASC;

-- the metric
SELECT
  *
FROM "ibis_memtable_0"
