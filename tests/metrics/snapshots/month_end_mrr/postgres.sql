-- run while the expression is built (1 of 1)
SELECT
  MIN("t0"."period_start_at") AS "Min(period_start_at)"
FROM "invoice_lines_versions" AS "t0";

-- the metric
WITH "t39" AS (
  SELECT
    "t38"."line_id",
    "t38"."customer_id",
    "t38"."subscription_id",
    "t38"."invoice_id",
    "t38"."price_id",
    "t38"."product_id",
    "t38"."currency",
    "t38"."start_on",
    "t38"."end_on",
    "t38"."is_free",
    "t38"."paid",
    CAST(SIGN(
      "t38"."monthly_minor" * CASE
        WHEN "t38"."currency" = 'USD'
        THEN 1.0
        ELSE "t27"."rate" * CASE
          WHEN "t38"."currency" IN (
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
          WHEN "t38"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
          THEN 0.1
          ELSE 1.0
        END
      END * 100
    ) * CAST(FLOOR(
      ABS(
        "t38"."monthly_minor" * CASE
          WHEN "t38"."currency" = 'USD'
          THEN 1.0
          ELSE "t27"."rate" * CASE
            WHEN "t38"."currency" IN (
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
            WHEN "t38"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
            THEN 0.1
            ELSE 1.0
          END
        END * 100
      ) + 0.5
    ) AS BIGINT) AS BIGINT) AS "units"
  FROM (
    SELECT
      "t36"."line_id",
      "t36"."invoice_id",
      "t36"."subscription_id",
      "t36"."subscription_item_id",
      "t36"."price_id",
      "t36"."kind",
      "t36"."amount_minor",
      UPPER(COALESCE("t36"."currency", "t36"."inv_currency")) AS "currency",
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
      "t36"."stop_at",
      "t36"."_proration",
      "t36"."_monthly_list",
      "t36"."_share",
      "t36"."_end_at",
      "t36"."_anchor_at",
      "t36"."_anchor_share",
      DATE(
        CASE
          WHEN "t36"."_proration"
          THEN COALESCE("t36"."_anchor_at", "t36"."period_start_at")
          ELSE "t36"."period_start_at"
        END
      ) AS "fx_on",
      DATE("t36"."period_start_at") AS "start_on",
      DATE("t36"."_end_at") AS "end_on",
      "t36"."_monthly_list" * (
        1.0 - CASE
          WHEN "t36"."_proration"
          THEN COALESCE("t36"."_anchor_share", "t36"."_share")
          ELSE "t36"."_share"
        END
      ) AS "monthly_minor",
      COALESCE("t36"."price_free", FALSE) OR (
        COALESCE("t36"."unit", -1) = 0
      ) AS "is_free",
      "t36"."price_product" AS "product_id"
    FROM (
      SELECT
        "t35"."line_id",
        "t35"."invoice_id",
        "t35"."subscription_id",
        "t35"."subscription_item_id",
        "t35"."price_id",
        "t35"."kind",
        "t35"."amount_minor",
        "t35"."currency",
        "t35"."quantity",
        "t35"."discount_minor",
        "t35"."tax_minor",
        "t35"."proration",
        "t35"."period_start_at",
        "t35"."period_end_at",
        "t35"."description",
        "t35"."_version_at",
        "t35"."customer_id",
        "t35"."inv_currency",
        "t35"."paid",
        "t35"."price_product",
        "t35"."unit",
        "t35"."price_interval",
        "t35"."price_count",
        "t35"."price_type",
        "t35"."price_free",
        "t35"."stop_at",
        "t35"."_proration",
        "t35"."_monthly_list",
        "t35"."_share",
        "t35"."_end_at",
        "t35"."_anchor_at",
        "t35"."_anchor_share"
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
          "t30"."customer_id",
          "t30"."inv_currency",
          "t30"."paid",
          "t30"."price_product",
          "t30"."unit",
          "t30"."price_interval",
          "t30"."price_count",
          "t30"."price_type",
          "t30"."price_free",
          "t30"."stop_at",
          "t30"."_proration",
          "t30"."_monthly_list",
          "t30"."_share",
          "t30"."_end_at",
          "t34"."subscription_id" AS "subscription_id_right",
          "t34"."period_end_at" AS "period_end_at_right",
          "t34"."_anchor_at",
          "t34"."_anchor_share"
        FROM (
          SELECT
            "t22"."line_id",
            "t22"."invoice_id",
            "t22"."subscription_id",
            "t22"."subscription_item_id",
            "t22"."price_id",
            "t22"."kind",
            "t22"."amount_minor",
            "t22"."currency",
            "t22"."quantity",
            "t22"."discount_minor",
            "t22"."tax_minor",
            "t22"."proration",
            "t22"."period_start_at",
            "t22"."period_end_at",
            "t22"."description",
            "t22"."_version_at",
            "t22"."customer_id",
            "t22"."inv_currency",
            "t22"."paid",
            "t22"."price_product",
            "t22"."unit",
            "t22"."price_interval",
            "t22"."price_count",
            "t22"."price_type",
            "t22"."price_free",
            "t22"."stop_at",
            COALESCE("t22"."proration", FALSE) AS "_proration",
            CAST(CASE
              WHEN COALESCE("t22"."proration", FALSE)
              THEN SIGN(CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE PRECISION)) * COALESCE(
                CAST("t22"."unit" * COALESCE("t22"."quantity", 1) AS DOUBLE PRECISION),
                CAST((
                  ABS(CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE PRECISION)) * (
                    COALESCE(
                      CASE
                        WHEN "t22"."price_interval" = 'day'
                        THEN 0.03287671232876712
                        WHEN "t22"."price_interval" = 'week'
                        THEN 0.23076923076923078
                        WHEN "t22"."price_interval" = 'month'
                        THEN 1.0
                        WHEN "t22"."price_interval" = 'year'
                        THEN 12.0
                        ELSE NULL
                      END * CAST(COALESCE("t22"."price_count", 1) AS DOUBLE PRECISION),
                      CAST((
                        CAST(EXTRACT('epoch' FROM "t22"."period_end_at") - EXTRACT('epoch' FROM "t22"."period_start_at") AS DOUBLE PRECISION) / 86400
                      ) AS DOUBLE PRECISION) / 30.4375
                    ) * 30.4375
                  )
                ) AS DOUBLE PRECISION) / GREATEST(
                  CAST(EXTRACT('epoch' FROM "t22"."period_end_at") - EXTRACT('epoch' FROM "t22"."period_start_at") AS DOUBLE PRECISION) / 86400,
                  0.041666666666666664
                )
              )
              ELSE CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE PRECISION)
            END AS DOUBLE PRECISION) / COALESCE(
              CASE
                WHEN "t22"."price_interval" = 'day'
                THEN 0.03287671232876712
                WHEN "t22"."price_interval" = 'week'
                THEN 0.23076923076923078
                WHEN "t22"."price_interval" = 'month'
                THEN 1.0
                WHEN "t22"."price_interval" = 'year'
                THEN 12.0
                ELSE NULL
              END * CAST(COALESCE("t22"."price_count", 1) AS DOUBLE PRECISION),
              CAST((
                CAST(EXTRACT('epoch' FROM "t22"."period_end_at") - EXTRACT('epoch' FROM "t22"."period_start_at") AS DOUBLE PRECISION) / 86400
              ) AS DOUBLE PRECISION) / 30.4375
            ) AS "_monthly_list",
            GREATEST(
              LEAST(
                CASE
                  WHEN CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE PRECISION) = 0
                  THEN 0.0
                  ELSE CAST(COALESCE("t22"."discount_minor", 0) AS DOUBLE PRECISION) / ABS(CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE PRECISION))
                END,
                1.0
              ),
              0.0
            ) AS "_share",
            LEAST("t22"."period_end_at", COALESCE("t22"."stop_at", "t22"."period_end_at")) AS "_end_at"
          FROM (
            SELECT
              "t21"."line_id",
              "t21"."invoice_id",
              "t21"."subscription_id",
              "t21"."subscription_item_id",
              "t21"."price_id",
              "t21"."kind",
              "t21"."amount_minor",
              "t21"."currency",
              "t21"."quantity",
              "t21"."discount_minor",
              "t21"."tax_minor",
              "t21"."proration",
              "t21"."period_start_at",
              "t21"."period_end_at",
              "t21"."description",
              "t21"."_version_at",
              "t21"."customer_id",
              "t21"."inv_currency",
              "t21"."paid",
              "t21"."price_product",
              "t21"."unit",
              "t21"."price_interval",
              "t21"."price_count",
              "t21"."price_type",
              "t21"."price_free",
              "t21"."stop_at"
            FROM (
              SELECT
                "t7"."line_id",
                "t7"."invoice_id",
                "t7"."subscription_id",
                "t7"."subscription_item_id",
                "t7"."price_id",
                "t7"."kind",
                "t7"."amount_minor",
                "t7"."currency",
                "t7"."quantity",
                "t7"."discount_minor",
                "t7"."tax_minor",
                "t7"."proration",
                "t7"."period_start_at",
                "t7"."period_end_at",
                "t7"."description",
                "t7"."_version_at",
                "t17"."customer_id",
                "t17"."inv_currency",
                "t17"."paid",
                "t12"."price_id" AS "price_id_right",
                "t12"."price_product",
                "t12"."unit",
                "t12"."price_interval",
                "t12"."price_count",
                "t12"."price_type",
                "t12"."price_free",
                "t18"."subscription_id" AS "subscription_id_right",
                "t18"."stop_at"
              FROM "invoice_lines" AS "t7"
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
              ) AS "t17"
                ON "t7"."invoice_id" = "t17"."invoice_id"
              LEFT OUTER JOIN (
                SELECT
                  "t4"."price_id",
                  "t4"."product_id" AS "price_product",
                  "t4"."amount_minor" AS "unit",
                  "t4"."interval" AS "price_interval",
                  "t4"."interval_count" AS "price_count",
                  "t4"."type" AS "price_type",
                  "t4"."is_free" AS "price_free"
                FROM "prices" AS "t4"
              ) AS "t12"
                ON "t7"."price_id" = "t12"."price_id"
              LEFT OUTER JOIN (
                SELECT
                  "t5"."subscription_id",
                  COALESCE(
                    "t5"."ended_at",
                    CASE WHEN "t5"."status" = 'canceled' THEN "t5"."canceled_at" ELSE NULL END
                  ) AS "stop_at"
                FROM "subscriptions" AS "t5"
              ) AS "t18"
                ON "t7"."subscription_id" = "t18"."subscription_id"
            ) AS "t21"
          ) AS "t22"
          WHERE
            "t22"."subscription_id" IS NOT NULL
            AND (
              (
                "t22"."price_interval" IS NOT NULL
              )
              OR (
                (
                  "t22"."price_type" IS NULL
                ) AND (
                  "t22"."kind" = 'subscription'
                )
              )
            )
            AND "t22"."period_start_at" IS NOT NULL
            AND "t22"."period_end_at" IS NOT NULL
        ) AS "t30"
        LEFT OUTER JOIN (
          SELECT
            "t32"."subscription_id",
            "t32"."period_end_at",
            MIN("t32"."period_start_at") AS "_anchor_at",
            AVG("t32"."_share") AS "_anchor_share"
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
              "t31"."stop_at",
              "t31"."_proration",
              "t31"."_monthly_list",
              "t31"."_share",
              "t31"."_end_at"
            FROM (
              SELECT
                "t22"."line_id",
                "t22"."invoice_id",
                "t22"."subscription_id",
                "t22"."subscription_item_id",
                "t22"."price_id",
                "t22"."kind",
                "t22"."amount_minor",
                "t22"."currency",
                "t22"."quantity",
                "t22"."discount_minor",
                "t22"."tax_minor",
                "t22"."proration",
                "t22"."period_start_at",
                "t22"."period_end_at",
                "t22"."description",
                "t22"."_version_at",
                "t22"."customer_id",
                "t22"."inv_currency",
                "t22"."paid",
                "t22"."price_product",
                "t22"."unit",
                "t22"."price_interval",
                "t22"."price_count",
                "t22"."price_type",
                "t22"."price_free",
                "t22"."stop_at",
                COALESCE("t22"."proration", FALSE) AS "_proration",
                CAST(CASE
                  WHEN COALESCE("t22"."proration", FALSE)
                  THEN SIGN(CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE PRECISION)) * COALESCE(
                    CAST("t22"."unit" * COALESCE("t22"."quantity", 1) AS DOUBLE PRECISION),
                    CAST((
                      ABS(CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE PRECISION)) * (
                        COALESCE(
                          CASE
                            WHEN "t22"."price_interval" = 'day'
                            THEN 0.03287671232876712
                            WHEN "t22"."price_interval" = 'week'
                            THEN 0.23076923076923078
                            WHEN "t22"."price_interval" = 'month'
                            THEN 1.0
                            WHEN "t22"."price_interval" = 'year'
                            THEN 12.0
                            ELSE NULL
                          END * CAST(COALESCE("t22"."price_count", 1) AS DOUBLE PRECISION),
                          CAST((
                            CAST(EXTRACT('epoch' FROM "t22"."period_end_at") - EXTRACT('epoch' FROM "t22"."period_start_at") AS DOUBLE PRECISION) / 86400
                          ) AS DOUBLE PRECISION) / 30.4375
                        ) * 30.4375
                      )
                    ) AS DOUBLE PRECISION) / GREATEST(
                      CAST(EXTRACT('epoch' FROM "t22"."period_end_at") - EXTRACT('epoch' FROM "t22"."period_start_at") AS DOUBLE PRECISION) / 86400,
                      0.041666666666666664
                    )
                  )
                  ELSE CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE PRECISION)
                END AS DOUBLE PRECISION) / COALESCE(
                  CASE
                    WHEN "t22"."price_interval" = 'day'
                    THEN 0.03287671232876712
                    WHEN "t22"."price_interval" = 'week'
                    THEN 0.23076923076923078
                    WHEN "t22"."price_interval" = 'month'
                    THEN 1.0
                    WHEN "t22"."price_interval" = 'year'
                    THEN 12.0
                    ELSE NULL
                  END * CAST(COALESCE("t22"."price_count", 1) AS DOUBLE PRECISION),
                  CAST((
                    CAST(EXTRACT('epoch' FROM "t22"."period_end_at") - EXTRACT('epoch' FROM "t22"."period_start_at") AS DOUBLE PRECISION) / 86400
                  ) AS DOUBLE PRECISION) / 30.4375
                ) AS "_monthly_list",
                GREATEST(
                  LEAST(
                    CASE
                      WHEN CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE PRECISION) = 0
                      THEN 0.0
                      ELSE CAST(COALESCE("t22"."discount_minor", 0) AS DOUBLE PRECISION) / ABS(CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE PRECISION))
                    END,
                    1.0
                  ),
                  0.0
                ) AS "_share",
                LEAST("t22"."period_end_at", COALESCE("t22"."stop_at", "t22"."period_end_at")) AS "_end_at"
              FROM (
                SELECT
                  "t21"."line_id",
                  "t21"."invoice_id",
                  "t21"."subscription_id",
                  "t21"."subscription_item_id",
                  "t21"."price_id",
                  "t21"."kind",
                  "t21"."amount_minor",
                  "t21"."currency",
                  "t21"."quantity",
                  "t21"."discount_minor",
                  "t21"."tax_minor",
                  "t21"."proration",
                  "t21"."period_start_at",
                  "t21"."period_end_at",
                  "t21"."description",
                  "t21"."_version_at",
                  "t21"."customer_id",
                  "t21"."inv_currency",
                  "t21"."paid",
                  "t21"."price_product",
                  "t21"."unit",
                  "t21"."price_interval",
                  "t21"."price_count",
                  "t21"."price_type",
                  "t21"."price_free",
                  "t21"."stop_at"
                FROM (
                  SELECT
                    "t7"."line_id",
                    "t7"."invoice_id",
                    "t7"."subscription_id",
                    "t7"."subscription_item_id",
                    "t7"."price_id",
                    "t7"."kind",
                    "t7"."amount_minor",
                    "t7"."currency",
                    "t7"."quantity",
                    "t7"."discount_minor",
                    "t7"."tax_minor",
                    "t7"."proration",
                    "t7"."period_start_at",
                    "t7"."period_end_at",
                    "t7"."description",
                    "t7"."_version_at",
                    "t17"."customer_id",
                    "t17"."inv_currency",
                    "t17"."paid",
                    "t12"."price_id" AS "price_id_right",
                    "t12"."price_product",
                    "t12"."unit",
                    "t12"."price_interval",
                    "t12"."price_count",
                    "t12"."price_type",
                    "t12"."price_free",
                    "t18"."subscription_id" AS "subscription_id_right",
                    "t18"."stop_at"
                  FROM "invoice_lines" AS "t7"
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
                  ) AS "t17"
                    ON "t7"."invoice_id" = "t17"."invoice_id"
                  LEFT OUTER JOIN (
                    SELECT
                      "t4"."price_id",
                      "t4"."product_id" AS "price_product",
                      "t4"."amount_minor" AS "unit",
                      "t4"."interval" AS "price_interval",
                      "t4"."interval_count" AS "price_count",
                      "t4"."type" AS "price_type",
                      "t4"."is_free" AS "price_free"
                    FROM "prices" AS "t4"
                  ) AS "t12"
                    ON "t7"."price_id" = "t12"."price_id"
                  LEFT OUTER JOIN (
                    SELECT
                      "t5"."subscription_id",
                      COALESCE(
                        "t5"."ended_at",
                        CASE WHEN "t5"."status" = 'canceled' THEN "t5"."canceled_at" ELSE NULL END
                      ) AS "stop_at"
                    FROM "subscriptions" AS "t5"
                  ) AS "t18"
                    ON "t7"."subscription_id" = "t18"."subscription_id"
                ) AS "t21"
              ) AS "t22"
              WHERE
                "t22"."subscription_id" IS NOT NULL
                AND (
                  (
                    "t22"."price_interval" IS NOT NULL
                  )
                  OR (
                    (
                      "t22"."price_type" IS NULL
                    ) AND (
                      "t22"."kind" = 'subscription'
                    )
                  )
                )
                AND "t22"."period_start_at" IS NOT NULL
                AND "t22"."period_end_at" IS NOT NULL
                AND NOT (
                  COALESCE("t22"."proration", FALSE)
                )
            ) AS "t31"
            WHERE
              EXISTS(
                SELECT
                  1
                FROM (
                  SELECT DISTINCT
                    "t22"."subscription_id",
                    "t22"."period_end_at"
                  FROM (
                    SELECT
                      "t21"."line_id",
                      "t21"."invoice_id",
                      "t21"."subscription_id",
                      "t21"."subscription_item_id",
                      "t21"."price_id",
                      "t21"."kind",
                      "t21"."amount_minor",
                      "t21"."currency",
                      "t21"."quantity",
                      "t21"."discount_minor",
                      "t21"."tax_minor",
                      "t21"."proration",
                      "t21"."period_start_at",
                      "t21"."period_end_at",
                      "t21"."description",
                      "t21"."_version_at",
                      "t21"."customer_id",
                      "t21"."inv_currency",
                      "t21"."paid",
                      "t21"."price_product",
                      "t21"."unit",
                      "t21"."price_interval",
                      "t21"."price_count",
                      "t21"."price_type",
                      "t21"."price_free",
                      "t21"."stop_at"
                    FROM (
                      SELECT
                        "t7"."line_id",
                        "t7"."invoice_id",
                        "t7"."subscription_id",
                        "t7"."subscription_item_id",
                        "t7"."price_id",
                        "t7"."kind",
                        "t7"."amount_minor",
                        "t7"."currency",
                        "t7"."quantity",
                        "t7"."discount_minor",
                        "t7"."tax_minor",
                        "t7"."proration",
                        "t7"."period_start_at",
                        "t7"."period_end_at",
                        "t7"."description",
                        "t7"."_version_at",
                        "t17"."customer_id",
                        "t17"."inv_currency",
                        "t17"."paid",
                        "t12"."price_id" AS "price_id_right",
                        "t12"."price_product",
                        "t12"."unit",
                        "t12"."price_interval",
                        "t12"."price_count",
                        "t12"."price_type",
                        "t12"."price_free",
                        "t18"."subscription_id" AS "subscription_id_right",
                        "t18"."stop_at"
                      FROM "invoice_lines" AS "t7"
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
                      ) AS "t17"
                        ON "t7"."invoice_id" = "t17"."invoice_id"
                      LEFT OUTER JOIN (
                        SELECT
                          "t4"."price_id",
                          "t4"."product_id" AS "price_product",
                          "t4"."amount_minor" AS "unit",
                          "t4"."interval" AS "price_interval",
                          "t4"."interval_count" AS "price_count",
                          "t4"."type" AS "price_type",
                          "t4"."is_free" AS "price_free"
                        FROM "prices" AS "t4"
                      ) AS "t12"
                        ON "t7"."price_id" = "t12"."price_id"
                      LEFT OUTER JOIN (
                        SELECT
                          "t5"."subscription_id",
                          COALESCE(
                            "t5"."ended_at",
                            CASE WHEN "t5"."status" = 'canceled' THEN "t5"."canceled_at" ELSE NULL END
                          ) AS "stop_at"
                        FROM "subscriptions" AS "t5"
                      ) AS "t18"
                        ON "t7"."subscription_id" = "t18"."subscription_id"
                    ) AS "t21"
                  ) AS "t22"
                  WHERE
                    "t22"."subscription_id" IS NOT NULL
                    AND (
                      (
                        "t22"."price_interval" IS NOT NULL
                      )
                      OR (
                        (
                          "t22"."price_type" IS NULL
                        ) AND (
                          "t22"."kind" = 'subscription'
                        )
                      )
                    )
                    AND "t22"."period_start_at" IS NOT NULL
                    AND "t22"."period_end_at" IS NOT NULL
                    AND COALESCE("t22"."proration", FALSE)
                ) AS "t25"
                WHERE
                  "t31"."subscription_id" = "t25"."subscription_id"
                  AND "t31"."period_end_at" = "t25"."period_end_at"
              )
          ) AS "t32"
          GROUP BY
            1,
            2
        ) AS "t34"
          ON "t30"."subscription_id" = "t34"."subscription_id"
          AND "t30"."period_end_at" = "t34"."period_end_at"
      ) AS "t35"
    ) AS "t36"
    WHERE
      DATE("t36"."period_start_at") < DATE("t36"."_end_at")
  ) AS "t38"
  LEFT OUTER JOIN (
    SELECT
      "t23"."currency",
      "t23"."rate",
      "t23"."valid_to",
      CASE
        WHEN "t23"."first"
        THEN MAKE_DATE(CAST(1900 AS INT), CAST(1 AS INT), CAST(1 AS INT))
        ELSE "t23"."rate_on"
      END AS "valid_from"
    FROM (
      SELECT
        "t20"."currency",
        "t20"."rate_on",
        "t20"."rate",
        LEAD("t20"."rate_on") OVER (
          PARTITION BY "t20"."currency"
          ORDER BY "t20"."rate_on" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS "valid_to",
        (
          ROW_NUMBER() OVER (
            PARTITION BY "t20"."currency"
            ORDER BY "t20"."rate_on" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) - 1
        ) = 0 AS "first"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t1"."currency",
            "t1"."rate_on",
            "t1"."rate"
          FROM "fx_rates" AS "t1"
          WHERE
            "t1"."quote_currency" = 'USD'
        ) AS "t10"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            "t13"."currency",
            "t13"."rate_on",
            "t13"."rate"
          FROM (
            SELECT
              "t1"."quote_currency" AS "currency",
              "t1"."rate_on",
              CAST(1.0 AS DOUBLE PRECISION) / "t1"."rate" AS "rate"
            FROM "fx_rates" AS "t1"
            WHERE
              "t1"."currency" = 'USD' AND "t1"."rate" > 0
          ) AS "t13"
          WHERE
            NOT EXISTS(
              SELECT
                1
              FROM (
                SELECT DISTINCT
                  "t1"."currency"
                FROM "fx_rates" AS "t1"
                WHERE
                  "t1"."quote_currency" = 'USD'
              ) AS "t14"
              WHERE
                "t13"."currency" = "t14"."currency"
            )
        ) AS "t19"
      ) AS "t20"
    ) AS "t23"
  ) AS "t27"
    ON "t38"."currency" = "t27"."currency"
    AND "t38"."fx_on" >= "t27"."valid_from"
    AND (
      (
        "t27"."valid_to" IS NULL
      ) OR (
        "t38"."fx_on" < "t27"."valid_to"
      )
    )
), "t48" AS (
  SELECT
    "t47"."customer_id",
    "t47"."group",
    "t47"."day",
    "t47"."delta",
    "t47"."after",
    "t47"."after" - "t47"."delta" AS "before"
  FROM (
    SELECT
      "t46"."customer_id",
      "t46"."group",
      "t46"."day",
      "t46"."delta",
      SUM("t46"."delta") OVER (
        PARTITION BY "t46"."customer_id", "t46"."group"
        ORDER BY "t46"."day" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS "after"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t44"."customer_id",
          "t44"."group",
          "t44"."day",
          SUM("t44"."delta") AS "delta"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t40"."customer_id",
                'all' AS "group",
                "t40"."start_on" AS "day",
                "t40"."units" AS "delta"
              FROM "t39" AS "t40"
              WHERE
                "t40"."units" <> 0
            ) AS "t41"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                "t40"."customer_id",
                'all' AS "group",
                "t40"."end_on" AS "day",
                -(
                  "t40"."units"
                ) AS "delta"
              FROM "t39" AS "t40"
              WHERE
                "t40"."units" <> 0
            ) AS "t42"
          ) AS "t43"
          WHERE
            "t43"."day" <= MAKE_DATE(2026, 11, 1)
        ) AS "t44"
        GROUP BY
          1,
          2,
          3
      ) AS "t45"
      WHERE
        "t45"."delta" <> 0
    ) AS "t46"
  ) AS "t47"
)
SELECT
  "t60"."customer_id",
  "t60"."group",
  "t60"."first_on",
  "t6"."period" AS "month",
  "t60"."after" AS "mrr"
FROM (
  SELECT
    *
  FROM (
    SELECT
      "t57"."customer_id",
      "t57"."group",
      "t57"."day",
      "t57"."after",
      "t57"."first_on",
      LEAD("t57"."day") OVER (
        PARTITION BY "t57"."customer_id", "t57"."group"
        ORDER BY "t57"."day" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
      ) AS "until"
    FROM (
      SELECT
        "t50"."customer_id",
        "t50"."group",
        "t50"."day",
        "t50"."delta",
        "t50"."before",
        "t50"."after",
        "t56"."total_before",
        "t56"."total_after",
        "t56"."first_on",
        CASE
          WHEN (
            "t50"."delta" > 0
          )
          AND (
            "t56"."total_before" <= 0
          )
          AND (
            "t50"."day" = "t56"."first_on"
          )
          THEN 'new'
          WHEN (
            "t50"."delta" > 0
          ) AND (
            "t56"."total_before" <= 0
          )
          THEN 'reactivation'
          WHEN "t50"."delta" > 0
          THEN 'expansion'
          WHEN (
            "t50"."delta" < 0
          ) AND (
            "t56"."total_after" <= 0
          )
          THEN 'churn'
          ELSE 'contraction'
        END AS "movement"
      FROM "t48" AS "t50"
      INNER JOIN (
        SELECT
          "t54"."customer_id",
          "t54"."day",
          "t54"."total_before",
          "t54"."total_after",
          "t54"."first_on"
        FROM (
          SELECT
            "t53"."customer_id",
            "t53"."day",
            "t53"."total_delta",
            "t53"."total_after",
            "t53"."total_before",
            MIN(
              CASE
                WHEN (
                  "t53"."total_before" <= 0
                ) AND (
                  "t53"."total_after" > 0
                )
                THEN "t53"."day"
                ELSE NULL
              END
            ) OVER (
              PARTITION BY "t53"."customer_id"
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            ) AS "first_on"
          FROM (
            SELECT
              "t52"."customer_id",
              "t52"."day",
              "t52"."total_delta",
              "t52"."total_after",
              "t52"."total_after" - "t52"."total_delta" AS "total_before"
            FROM (
              SELECT
                "t51"."customer_id",
                "t51"."day",
                "t51"."total_delta",
                SUM("t51"."total_delta") OVER (
                  PARTITION BY "t51"."customer_id"
                  ORDER BY "t51"."day" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS "total_after"
              FROM (
                SELECT
                  "t49"."customer_id",
                  "t49"."day",
                  SUM("t49"."delta") AS "total_delta"
                FROM "t48" AS "t49"
                GROUP BY
                  1,
                  2
              ) AS "t51"
            ) AS "t52"
          ) AS "t53"
        ) AS "t54"
      ) AS "t56"
        ON "t50"."customer_id" = "t56"."customer_id" AND "t50"."day" = "t56"."day"
    ) AS "t57"
  ) AS "t58"
  WHERE
    "t58"."after" > 0
) AS "t60"
INNER JOIN "ibis_memtable_0" AS "t6"
  ON "t60"."day" <= "t6"."period_end"
  AND (
    (
      "t60"."until" IS NULL
    ) OR (
      "t6"."period_end" < "t60"."until"
    )
  )
