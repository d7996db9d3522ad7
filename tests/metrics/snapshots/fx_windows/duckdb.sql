-- the metric
SELECT
  "t8"."currency",
  "t8"."rate",
  "t8"."valid_to",
  CASE WHEN "t8"."first" THEN MAKE_DATE(1900, 1, 1) ELSE "t8"."rate_on" END AS "valid_from"
FROM (
  SELECT
    "t7"."currency",
    "t7"."rate_on",
    "t7"."rate",
    LEAD("t7"."rate_on") OVER (
      PARTITION BY "t7"."currency"
      ORDER BY "t7"."rate_on" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "valid_to",
    (
      ROW_NUMBER() OVER (
        PARTITION BY "t7"."currency"
        ORDER BY "t7"."rate_on" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
      ) - 1
    ) = 0 AS "first"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t0"."currency",
        "t0"."rate_on",
        "t0"."rate"
      FROM "fx_rates" AS "t0"
      WHERE
        "t0"."quote_currency" = 'USD'
    ) AS "t2"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t4"."currency",
        "t4"."rate_on",
        "t4"."rate"
      FROM (
        SELECT
          "t0"."quote_currency" AS "currency",
          "t0"."rate_on",
          1.0 / "t0"."rate" AS "rate"
        FROM "fx_rates" AS "t0"
        WHERE
          "t0"."currency" = 'USD' AND "t0"."rate" > 0
      ) AS "t4"
      ANTI JOIN (
        SELECT DISTINCT
          "t0"."currency"
        FROM "fx_rates" AS "t0"
        WHERE
          "t0"."quote_currency" = 'USD'
      ) AS "t5"
        ON "t4"."currency" = "t5"."currency"
    ) AS "t6"
  ) AS "t7"
) AS "t8"
