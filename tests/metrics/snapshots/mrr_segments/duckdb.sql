-- the metric
WITH "t6" AS (
  SELECT
    "t4"."price_id",
    "t4"."product_id" AS "price_product",
    "t4"."amount_minor" AS "unit",
    "t4"."interval" AS "price_interval",
    "t4"."interval_count" AS "price_count",
    "t4"."type" AS "price_type",
    "t4"."is_free" AS "price_free"
  FROM "prices" AS "t4"
)
SELECT
  "t48"."line_id",
  "t48"."customer_id",
  "t48"."subscription_id",
  "t48"."invoice_id",
  "t48"."price_id",
  "t48"."product_id",
  "t48"."currency",
  "t48"."start_on",
  "t48"."end_on",
  "t48"."is_free",
  "t48"."paid",
  CAST(SIGN(
    "t48"."monthly_minor" * CASE WHEN "t48"."currency" = 'USD' THEN 1.0 ELSE "t37"."minor" END * 100
  ) * CAST(FLOOR(
    ABS(
      "t48"."monthly_minor" * CASE WHEN "t48"."currency" = 'USD' THEN 1.0 ELSE "t37"."minor" END * 100
    ) + 0.5
  ) AS BIGINT) AS BIGINT) AS "units"
FROM (
  SELECT
    *
  FROM (
    SELECT
      "t45"."line_id",
      "t45"."invoice_id",
      "t45"."subscription_id",
      "t45"."subscription_item_id",
      "t45"."price_id",
      "t45"."kind",
      "t45"."amount_minor",
      UPPER(COALESCE("t45"."currency", "t45"."inv_currency")) AS "currency",
      "t45"."quantity",
      "t45"."discount_minor",
      "t45"."tax_minor",
      "t45"."proration",
      "t45"."period_start_at",
      "t45"."period_end_at",
      "t45"."description",
      "t45"."_version_at",
      "t45"."customer_id",
      "t45"."inv_currency",
      "t45"."paid",
      "t45"."price_product",
      "t45"."unit",
      "t45"."price_interval",
      "t45"."price_count",
      "t45"."price_type",
      "t45"."price_free",
      "t45"."_proration",
      "t45"."_share",
      "t45"."stop_at",
      "t45"."_monthly_list",
      "t45"."_end_at",
      "t45"."_anchor_at",
      "t45"."_anchor_share",
      CAST(CAST(MAKE_DATE(1970, 1, 1) + TO_DAYS(
        CAST(FLOOR(
          EPOCH(
            CASE
              WHEN "t45"."_proration"
              THEN COALESCE("t45"."_anchor_at", "t45"."period_start_at")
              ELSE "t45"."period_start_at"
            END
          ) / 86400
        ) AS BIGINT)
      ) AS TIMESTAMP) AS DATE) AS "fx_on",
      CAST(CAST(MAKE_DATE(1970, 1, 1) + TO_DAYS(CAST(FLOOR(EPOCH("t45"."period_start_at") / 86400) AS BIGINT)) AS TIMESTAMP) AS DATE) AS "start_on",
      CAST(CAST(MAKE_DATE(1970, 1, 1) + TO_DAYS(CAST(FLOOR(EPOCH("t45"."_end_at") / 86400) AS BIGINT)) AS TIMESTAMP) AS DATE) AS "end_on",
      "t45"."_monthly_list" * (
        1.0 - CASE
          WHEN "t45"."_proration"
          THEN COALESCE("t45"."_anchor_share", "t45"."_share")
          ELSE "t45"."_share"
        END
      ) AS "monthly_minor",
      COALESCE("t45"."price_free", FALSE) OR (
        COALESCE("t45"."unit", -1) = 0
      ) AS "is_free",
      "t45"."price_product" AS "product_id"
    FROM (
      SELECT
        "t44".*
        EXCLUDE ("period_end_at_right", "subscription_id_right")
      FROM (
        SELECT
          "t43"."line_id",
          "t43"."invoice_id",
          "t43"."subscription_id",
          "t43"."subscription_item_id",
          "t43"."price_id",
          "t43"."kind",
          "t43"."amount_minor",
          "t43"."currency",
          "t43"."quantity",
          "t43"."discount_minor",
          "t43"."tax_minor",
          "t43"."proration",
          "t43"."period_start_at",
          "t43"."period_end_at",
          "t43"."description",
          "t43"."_version_at",
          "t43"."customer_id",
          "t43"."inv_currency",
          "t43"."paid",
          "t43"."price_product",
          "t43"."unit",
          "t43"."price_interval",
          "t43"."price_count",
          "t43"."price_type",
          "t43"."price_free",
          "t43"."_proration",
          "t43"."_share",
          "t43"."stop_at",
          "t43"."_monthly_list",
          "t43"."_end_at",
          "t39"."subscription_id" AS "subscription_id_right",
          "t39"."period_end_at" AS "period_end_at_right",
          "t39"."_anchor_at",
          "t39"."_anchor_share"
        FROM (
          SELECT
            "t41"."line_id",
            "t41"."invoice_id",
            "t41"."subscription_id",
            "t41"."subscription_item_id",
            "t41"."price_id",
            "t41"."kind",
            "t41"."amount_minor",
            "t41"."currency",
            "t41"."quantity",
            "t41"."discount_minor",
            "t41"."tax_minor",
            "t41"."proration",
            "t41"."period_start_at",
            "t41"."period_end_at",
            "t41"."description",
            "t41"."_version_at",
            "t41"."customer_id",
            "t41"."inv_currency",
            "t41"."paid",
            "t41"."price_product",
            "t41"."unit",
            "t41"."price_interval",
            "t41"."price_count",
            "t41"."price_type",
            "t41"."price_free",
            "t41"."_proration",
            "t41"."_share",
            "t41"."stop_at",
            CASE
              WHEN "t41"."_proration"
              THEN SIGN(CAST(COALESCE("t41"."amount_minor", 0) AS DOUBLE)) * COALESCE(
                CAST("t41"."unit" * COALESCE("t41"."quantity", 1) AS DOUBLE),
                (
                  ABS(CAST(COALESCE("t41"."amount_minor", 0) AS DOUBLE)) * (
                    COALESCE(
                      CASE
                        WHEN "t41"."price_interval" = 'day'
                        THEN 0.03287671232876712
                        WHEN "t41"."price_interval" = 'week'
                        THEN 0.23076923076923078
                        WHEN "t41"."price_interval" = 'month'
                        THEN 1.0
                        WHEN "t41"."price_interval" = 'year'
                        THEN 12.0
                        ELSE NULL
                      END * CAST(COALESCE("t41"."price_count", 1) AS DOUBLE),
                      (
                        (
                          EPOCH("t41"."period_end_at") - EPOCH("t41"."period_start_at")
                        ) / 86400
                      ) / 30.4375
                    ) * 30.4375
                  )
                ) / GREATEST(
                  (
                    EPOCH("t41"."period_end_at") - EPOCH("t41"."period_start_at")
                  ) / 86400,
                  0.041666666666666664
                )
              )
              ELSE CAST(COALESCE("t41"."amount_minor", 0) AS DOUBLE)
            END / COALESCE(
              CASE
                WHEN "t41"."price_interval" = 'day'
                THEN 0.03287671232876712
                WHEN "t41"."price_interval" = 'week'
                THEN 0.23076923076923078
                WHEN "t41"."price_interval" = 'month'
                THEN 1.0
                WHEN "t41"."price_interval" = 'year'
                THEN 12.0
                ELSE NULL
              END * CAST(COALESCE("t41"."price_count", 1) AS DOUBLE),
              (
                (
                  EPOCH("t41"."period_end_at") - EPOCH("t41"."period_start_at")
                ) / 86400
              ) / 30.4375
            ) AS "_monthly_list",
            LEAST("t41"."period_end_at", COALESCE("t41"."stop_at", "t41"."period_end_at")) AS "_end_at"
          FROM (
            SELECT
              "t40".*
              EXCLUDE ("subscription_id_right")
            FROM (
              SELECT
                "t36"."line_id",
                "t36"."invoice_id",
                "t36"."subscription_id",
                "t36"."subscription_item_id",
                "t36"."price_id",
                "t36"."kind",
                "t36"."amount_minor",
                "t36"."currency",
                "t36"."quantity",
                "t36"."discount_minor",
                "t36"."tax_minor",
                "t36"."proration",
                "t36"."period_start_at",
                "t36"."period_end_at",
                "t36"."description",
                "t36"."_version_at",
                "t36"."customer_id",
                "t36"."inv_currency",
                "t36"."paid",
                "t36"."price_product",
                "t36"."unit",
                "t36"."price_interval",
                "t36"."price_count",
                "t36"."price_type",
                "t36"."price_free",
                "t36"."_proration",
                "t36"."_share",
                "t27"."subscription_id" AS "subscription_id_right",
                "t27"."stop_at"
              FROM (
                SELECT
                  "t31"."line_id",
                  "t31"."invoice_id",
                  "t31"."subscription_id",
                  "t31"."subscription_item_id",
                  "t31"."price_id",
                  "t31"."kind",
                  "t31"."amount_minor",
                  "t31"."currency",
                  "t31"."quantity",
                  "t31"."discount_minor",
                  "t31"."tax_minor",
                  "t31"."proration",
                  "t31"."period_start_at",
                  "t31"."period_end_at",
                  "t31"."description",
                  "t31"."_version_at",
                  "t31"."customer_id",
                  "t31"."inv_currency",
                  "t31"."paid",
                  "t31"."price_product",
                  "t31"."unit",
                  "t31"."price_interval",
                  "t31"."price_count",
                  "t31"."price_type",
                  "t31"."price_free",
                  COALESCE("t31"."proration", FALSE) AS "_proration",
                  GREATEST(
                    LEAST(
                      CASE
                        WHEN CAST(COALESCE("t31"."amount_minor", 0) AS DOUBLE) = 0
                        THEN 0.0
                        ELSE CAST(COALESCE("t31"."discount_minor", 0) AS DOUBLE) / ABS(CAST(COALESCE("t31"."amount_minor", 0) AS DOUBLE))
                      END,
                      1.0
                    ),
                    0.0
                  ) AS "_share"
                FROM (
                  SELECT
                    "t29".*
                    EXCLUDE ("price_id_right")
                  FROM (
                    SELECT
                      "t5"."line_id",
                      "t5"."invoice_id",
                      "t5"."subscription_id",
                      "t5"."subscription_item_id",
                      "t5"."price_id",
                      "t5"."kind",
                      "t5"."amount_minor",
                      "t5"."currency",
                      "t5"."quantity",
                      "t5"."discount_minor",
                      "t5"."tax_minor",
                      "t5"."proration",
                      "t5"."period_start_at",
                      "t5"."period_end_at",
                      "t5"."description",
                      "t5"."_version_at",
                      "t23"."customer_id",
                      "t23"."inv_currency",
                      "t23"."paid",
                      "t17"."price_id" AS "price_id_right",
                      "t17"."price_product",
                      "t17"."unit",
                      "t17"."price_interval",
                      "t17"."price_count",
                      "t17"."price_type",
                      "t17"."price_free"
                    FROM "invoice_lines" AS "t5"
                    INNER JOIN (
                      SELECT
                        "t3"."invoice_id",
                        "t3"."customer_id",
                        "t3"."currency" AS "inv_currency",
                        "t3"."status" = 'paid' AS "paid"
                      FROM "invoices" AS "t3"
                      WHERE
                        (
                          "t3"."status" IS NULL
                        ) OR NOT (
                          "t3"."status" IN ('void', 'draft')
                        )
                    ) AS "t23"
                      ON "t5"."invoice_id" = "t23"."invoice_id"
                    LEFT OUTER JOIN "t6" AS "t17"
                      ON "t5"."price_id" = "t17"."price_id"
                  ) AS "t29"
                ) AS "t31"
                WHERE
                  "t31"."subscription_id" IS NOT NULL
                  AND (
                    (
                      "t31"."price_interval" IS NOT NULL
                    )
                    OR (
                      (
                        "t31"."price_type" IS NULL
                      ) AND (
                        "t31"."kind" = 'subscription'
                      )
                    )
                  )
                  AND "t31"."period_start_at" IS NOT NULL
                  AND "t31"."period_end_at" IS NOT NULL
              ) AS "t36"
              LEFT OUTER JOIN (
                SELECT
                  *
                FROM (
                  SELECT
                    "t1"."subscription_id",
                    COALESCE(
                      "t1"."ended_at",
                      CASE WHEN "t1"."status" = 'canceled' THEN "t1"."canceled_at" ELSE NULL END
                    ) AS "stop_at"
                  FROM "subscriptions" AS "t1"
                ) AS "t18"
                WHERE
                  "t18"."stop_at" IS NOT NULL
              ) AS "t27"
                ON "t36"."subscription_id" = "t27"."subscription_id"
            ) AS "t40"
          ) AS "t41"
        ) AS "t43"
        LEFT OUTER JOIN (
          SELECT
            "t33"."subscription_id",
            "t33"."period_end_at",
            MIN("t33"."period_start_at") AS "_anchor_at",
            AVG("t33"."_share") AS "_anchor_share"
          FROM (
            SELECT
              "t30"."line_id",
              "t30"."invoice_id",
              "t30"."subscription_id",
              "t30"."subscription_item_id",
              "t30"."price_id",
              "t30"."kind",
              "t30"."amount_minor",
              "t30"."currency",
              "t30"."quantity",
              "t30"."discount_minor",
              "t30"."tax_minor",
              "t30"."proration",
              "t30"."period_start_at",
              "t30"."period_end_at",
              "t30"."description",
              "t30"."_version_at",
              "t30"."price_product",
              "t30"."unit",
              "t30"."price_interval",
              "t30"."price_count",
              "t30"."price_type",
              "t30"."price_free",
              COALESCE("t30"."proration", FALSE) AS "_proration",
              GREATEST(
                LEAST(
                  CASE
                    WHEN CAST(COALESCE("t30"."amount_minor", 0) AS DOUBLE) = 0
                    THEN 0.0
                    ELSE CAST(COALESCE("t30"."discount_minor", 0) AS DOUBLE) / ABS(CAST(COALESCE("t30"."amount_minor", 0) AS DOUBLE))
                  END,
                  1.0
                ),
                0.0
              ) AS "_share"
            FROM (
              SELECT
                "t28".*
                EXCLUDE ("price_id_right")
              FROM (
                SELECT
                  "t19"."line_id",
                  "t19"."invoice_id",
                  "t19"."subscription_id",
                  "t19"."subscription_item_id",
                  "t19"."price_id",
                  "t19"."kind",
                  "t19"."amount_minor",
                  "t19"."currency",
                  "t19"."quantity",
                  "t19"."discount_minor",
                  "t19"."tax_minor",
                  "t19"."proration",
                  "t19"."period_start_at",
                  "t19"."period_end_at",
                  "t19"."description",
                  "t19"."_version_at",
                  "t16"."price_id" AS "price_id_right",
                  "t16"."price_product",
                  "t16"."unit",
                  "t16"."price_interval",
                  "t16"."price_count",
                  "t16"."price_type",
                  "t16"."price_free"
                FROM (
                  SELECT
                    *
                  FROM "invoice_lines" AS "t2"
                  WHERE
                    NOT (
                      COALESCE("t2"."proration", FALSE)
                    )
                ) AS "t19"
                SEMI JOIN (
                  SELECT DISTINCT
                    "t2"."subscription_id",
                    "t2"."period_end_at"
                  FROM "invoice_lines" AS "t2"
                  WHERE
                    COALESCE("t2"."proration", FALSE)
                ) AS "t15"
                  ON "t19"."subscription_id" = "t15"."subscription_id"
                  AND "t19"."period_end_at" = "t15"."period_end_at"
                SEMI JOIN (
                  SELECT
                    "t3"."invoice_id"
                  FROM "invoices" AS "t3"
                  WHERE
                    (
                      "t3"."status" IS NULL
                    ) OR NOT (
                      "t3"."status" IN ('void', 'draft')
                    )
                ) AS "t22"
                  ON "t19"."invoice_id" = "t22"."invoice_id"
                LEFT OUTER JOIN "t6" AS "t16"
                  ON "t19"."price_id" = "t16"."price_id"
              ) AS "t28"
            ) AS "t30"
            WHERE
              "t30"."subscription_id" IS NOT NULL
              AND (
                (
                  "t30"."price_interval" IS NOT NULL
                )
                OR (
                  (
                    "t30"."price_type" IS NULL
                  ) AND (
                    "t30"."kind" = 'subscription'
                  )
                )
              )
              AND "t30"."period_start_at" IS NOT NULL
              AND "t30"."period_end_at" IS NOT NULL
          ) AS "t33"
          GROUP BY
            1,
            2
        ) AS "t39"
          ON "t43"."subscription_id" = "t39"."subscription_id"
          AND "t43"."period_end_at" = "t39"."period_end_at"
      ) AS "t44"
    ) AS "t45"
  ) AS "t46"
  WHERE
    "t46"."start_on" < "t46"."end_on"
) AS "t48"
LEFT OUTER JOIN (
  SELECT
    "t32"."currency",
    "t32"."rate",
    COALESCE("t32"."valid_to", MAKE_DATE(9999, 12, 31)) AS "valid_to",
    CASE WHEN "t32"."first" THEN MAKE_DATE(1900, 1, 1) ELSE "t32"."rate_on" END AS "valid_from",
    CASE
      WHEN "t32"."currency" = 'USD'
      THEN 1.0
      ELSE "t32"."rate" * CASE
        WHEN "t32"."currency" IN (
          'BIF',
          'CLP',
          'DJF',
          'GNF',
          'ISK',
          'JPY',
          'KMF',
          'KRW',
          'PYG',
          'RWF',
          'UGX',
          'UYI',
          'VND',
          'VUV',
          'XAF',
          'XOF',
          'XPF'
        )
        THEN 100.0
        WHEN "t32"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
        THEN 0.1
        ELSE 1.0
      END
    END AS "minor"
  FROM (
    SELECT
      "t26"."currency",
      "t26"."rate_on",
      "t26"."rate",
      LEAD("t26"."rate_on") OVER (
        PARTITION BY "t26"."currency"
        ORDER BY "t26"."rate_on" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
      ) AS "valid_to",
      (
        ROW_NUMBER() OVER (
          PARTITION BY "t26"."currency"
          ORDER BY "t26"."rate_on" ASC
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
      ) AS "t8"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t12"."currency",
          "t12"."rate_on",
          "t12"."rate"
        FROM (
          SELECT
            "t0"."quote_currency" AS "currency",
            "t0"."rate_on",
            1.0 / "t0"."rate" AS "rate"
          FROM "fx_rates" AS "t0"
          WHERE
            "t0"."currency" = 'USD' AND "t0"."rate" > 0
        ) AS "t12"
        ANTI JOIN (
          SELECT DISTINCT
            "t0"."currency"
          FROM "fx_rates" AS "t0"
          WHERE
            "t0"."quote_currency" = 'USD'
        ) AS "t13"
          ON "t12"."currency" = "t13"."currency"
      ) AS "t24"
    ) AS "t26"
  ) AS "t32"
) AS "t37"
  ON "t48"."currency" = "t37"."currency"
  AND "t48"."fx_on" >= "t37"."valid_from"
  AND "t48"."fx_on" < "t37"."valid_to"
