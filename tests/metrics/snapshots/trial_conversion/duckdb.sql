-- run while the expression is built (1 of 1)
SELECT
  "t45"."period",
  "t45"."trials",
  "t45"."decided",
  "t45"."converted",
  "t45"."median_days_to_convert",
  CASE
    WHEN "t45"."decided" > 0
    THEN CAST("t45"."converted" AS DOUBLE) / CAST("t45"."decided" AS DOUBLE)
    ELSE NULL
  END AS "conversion_rate"
FROM (
  SELECT
    "t44"."period",
    COUNT(*) AS "trials",
    SUM(CAST("t44"."decided" AS INT)) AS "decided",
    SUM(CAST("t44"."converted" AS INT)) AS "converted",
    QUANTILE_CONT("t44"."days", 0.5) AS "median_days_to_convert"
  FROM (
    SELECT
      "t43"."subscription_id",
      "t43"."customer_id",
      "t43"."status",
      "t43"."currency",
      "t43"."created_at",
      "t43"."started_at",
      "t43"."trial_start_at",
      "t43"."trial_end_at",
      "t43"."current_period_start_at",
      "t43"."current_period_end_at",
      "t43"."cancel_at_period_end",
      "t43"."cancel_at",
      "t43"."canceled_at",
      "t43"."ended_at",
      "t43"."cancellation_reason",
      "t43"."cancellation_feedback",
      "t43"."cancellation_comment",
      "t43"."coupon_id",
      "t43"."discount_start_at",
      "t43"."discount_end_at",
      "t43"."pause_behavior",
      "t43"."pause_resumes_at",
      "t43"."collection_method",
      "t43"."metadata",
      "t43"."_version_at",
      "t43"."subscription_id_right",
      "t43"."first_paid_on",
      DATE_TRUNC('MONTH', CAST("t43"."trial_start_at" AS DATE)) AS "period",
      (
        "t43"."first_paid_on" IS NOT NULL
      )
      AND (
        "t43"."first_paid_on" >= CAST("t43"."trial_start_at" AS DATE)
      ) AS "converted",
      (
        (
          "t43"."first_paid_on" IS NOT NULL
        )
        AND (
          "t43"."first_paid_on" >= CAST("t43"."trial_start_at" AS DATE)
        )
      )
      OR (
        (
          "t43"."trial_end_at" IS NOT NULL
        )
        AND (
          CAST("t43"."trial_end_at" AS DATE) <= MAKE_DATE(2026, 11, 1)
        )
      ) AS "decided",
      CASE
        WHEN (
          "t43"."first_paid_on" IS NOT NULL
        )
        AND (
          "t43"."first_paid_on" >= CAST("t43"."trial_start_at" AS DATE)
        )
        THEN CAST(DATE_DIFF('DAY', CAST("t43"."trial_start_at" AS DATE), "t43"."first_paid_on") AS DOUBLE)
        ELSE NULL
      END AS "days"
    FROM (
      SELECT
        "t15"."subscription_id",
        "t15"."customer_id",
        "t15"."status",
        "t15"."currency",
        "t15"."created_at",
        "t15"."started_at",
        "t15"."trial_start_at",
        "t15"."trial_end_at",
        "t15"."current_period_start_at",
        "t15"."current_period_end_at",
        "t15"."cancel_at_period_end",
        "t15"."cancel_at",
        "t15"."canceled_at",
        "t15"."ended_at",
        "t15"."cancellation_reason",
        "t15"."cancellation_feedback",
        "t15"."cancellation_comment",
        "t15"."coupon_id",
        "t15"."discount_start_at",
        "t15"."discount_end_at",
        "t15"."pause_behavior",
        "t15"."pause_resumes_at",
        "t15"."collection_method",
        "t15"."metadata",
        "t15"."_version_at",
        "t42"."subscription_id" AS "subscription_id_right",
        "t42"."first_paid_on"
      FROM (
        SELECT
          *
        FROM "subscriptions" AS "t0"
        WHERE
          "t0"."trial_start_at" IS NOT NULL
          AND CAST("t0"."trial_start_at" AS DATE) <= MAKE_DATE(2026, 11, 1)
      ) AS "t15"
      LEFT OUTER JOIN (
        SELECT
          "t40"."subscription_id",
          MIN("t40"."start_on") AS "first_paid_on"
        FROM (
          SELECT
            *
          FROM (
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
                CAST(CASE
                  WHEN "t36"."_proration"
                  THEN COALESCE("t36"."_anchor_at", "t36"."period_start_at")
                  ELSE "t36"."period_start_at"
                END AS DATE) AS "fx_on",
                CAST("t36"."period_start_at" AS DATE) AS "start_on",
                CAST("t36"."_end_at" AS DATE) AS "end_on",
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
                  "t35".*
                  EXCLUDE ("period_end_at_right", "subscription_id_right")
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
                      CASE
                        WHEN COALESCE("t22"."proration", FALSE)
                        THEN SIGN(CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE)) * COALESCE(
                          CAST("t22"."unit" * COALESCE("t22"."quantity", 1) AS DOUBLE),
                          (
                            ABS(CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE)) * (
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
                                END * CAST(COALESCE("t22"."price_count", 1) AS DOUBLE),
                                (
                                  CAST(EPOCH(CAST("t22"."period_end_at" AS TIMESTAMP)) - EPOCH(CAST("t22"."period_start_at" AS TIMESTAMP)) AS DOUBLE) / 86400
                                ) / 30.4375
                              ) * 30.4375
                            )
                          ) / GREATEST(
                            CAST(EPOCH(CAST("t22"."period_end_at" AS TIMESTAMP)) - EPOCH(CAST("t22"."period_start_at" AS TIMESTAMP)) AS DOUBLE) / 86400,
                            0.041666666666666664
                          )
                        )
                        ELSE CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE)
                      END / COALESCE(
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
                        END * CAST(COALESCE("t22"."price_count", 1) AS DOUBLE),
                        (
                          CAST(EPOCH(CAST("t22"."period_end_at" AS TIMESTAMP)) - EPOCH(CAST("t22"."period_start_at" AS TIMESTAMP)) AS DOUBLE) / 86400
                        ) / 30.4375
                      ) AS "_monthly_list",
                      GREATEST(
                        LEAST(
                          CASE
                            WHEN CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE) = 0
                            THEN 0.0
                            ELSE CAST(COALESCE("t22"."discount_minor", 0) AS DOUBLE) / ABS(CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE))
                          END,
                          1.0
                        ),
                        0.0
                      ) AS "_share",
                      LEAST("t22"."period_end_at", COALESCE("t22"."stop_at", "t22"."period_end_at")) AS "_end_at"
                    FROM (
                      SELECT
                        "t21".*
                        EXCLUDE ("price_id_right", "subscription_id_right")
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
                          "t18"."customer_id",
                          "t18"."inv_currency",
                          "t18"."paid",
                          "t10"."price_id" AS "price_id_right",
                          "t10"."price_product",
                          "t10"."unit",
                          "t10"."price_interval",
                          "t10"."price_count",
                          "t10"."price_type",
                          "t10"."price_free",
                          "t17"."subscription_id" AS "subscription_id_right",
                          "t17"."stop_at"
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
                        ) AS "t18"
                          ON "t5"."invoice_id" = "t18"."invoice_id"
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
                        ) AS "t10"
                          ON "t5"."price_id" = "t10"."price_id"
                        LEFT OUTER JOIN (
                          SELECT
                            "t0"."subscription_id",
                            COALESCE(
                              "t0"."ended_at",
                              CASE WHEN "t0"."status" = 'canceled' THEN "t0"."canceled_at" ELSE NULL END
                            ) AS "stop_at"
                          FROM "subscriptions" AS "t0"
                        ) AS "t17"
                          ON "t5"."subscription_id" = "t17"."subscription_id"
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
                          CASE
                            WHEN COALESCE("t22"."proration", FALSE)
                            THEN SIGN(CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE)) * COALESCE(
                              CAST("t22"."unit" * COALESCE("t22"."quantity", 1) AS DOUBLE),
                              (
                                ABS(CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE)) * (
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
                                    END * CAST(COALESCE("t22"."price_count", 1) AS DOUBLE),
                                    (
                                      CAST(EPOCH(CAST("t22"."period_end_at" AS TIMESTAMP)) - EPOCH(CAST("t22"."period_start_at" AS TIMESTAMP)) AS DOUBLE) / 86400
                                    ) / 30.4375
                                  ) * 30.4375
                                )
                              ) / GREATEST(
                                CAST(EPOCH(CAST("t22"."period_end_at" AS TIMESTAMP)) - EPOCH(CAST("t22"."period_start_at" AS TIMESTAMP)) AS DOUBLE) / 86400,
                                0.041666666666666664
                              )
                            )
                            ELSE CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE)
                          END / COALESCE(
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
                            END * CAST(COALESCE("t22"."price_count", 1) AS DOUBLE),
                            (
                              CAST(EPOCH(CAST("t22"."period_end_at" AS TIMESTAMP)) - EPOCH(CAST("t22"."period_start_at" AS TIMESTAMP)) AS DOUBLE) / 86400
                            ) / 30.4375
                          ) AS "_monthly_list",
                          GREATEST(
                            LEAST(
                              CASE
                                WHEN CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE) = 0
                                THEN 0.0
                                ELSE CAST(COALESCE("t22"."discount_minor", 0) AS DOUBLE) / ABS(CAST(COALESCE("t22"."amount_minor", 0) AS DOUBLE))
                              END,
                              1.0
                            ),
                            0.0
                          ) AS "_share",
                          LEAST("t22"."period_end_at", COALESCE("t22"."stop_at", "t22"."period_end_at")) AS "_end_at"
                        FROM (
                          SELECT
                            "t21".*
                            EXCLUDE ("price_id_right", "subscription_id_right")
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
                              "t18"."customer_id",
                              "t18"."inv_currency",
                              "t18"."paid",
                              "t10"."price_id" AS "price_id_right",
                              "t10"."price_product",
                              "t10"."unit",
                              "t10"."price_interval",
                              "t10"."price_count",
                              "t10"."price_type",
                              "t10"."price_free",
                              "t17"."subscription_id" AS "subscription_id_right",
                              "t17"."stop_at"
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
                            ) AS "t18"
                              ON "t5"."invoice_id" = "t18"."invoice_id"
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
                            ) AS "t10"
                              ON "t5"."price_id" = "t10"."price_id"
                            LEFT OUTER JOIN (
                              SELECT
                                "t0"."subscription_id",
                                COALESCE(
                                  "t0"."ended_at",
                                  CASE WHEN "t0"."status" = 'canceled' THEN "t0"."canceled_at" ELSE NULL END
                                ) AS "stop_at"
                              FROM "subscriptions" AS "t0"
                            ) AS "t17"
                              ON "t5"."subscription_id" = "t17"."subscription_id"
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
                      SEMI JOIN (
                        SELECT DISTINCT
                          "t22"."subscription_id",
                          "t22"."period_end_at"
                        FROM (
                          SELECT
                            "t21".*
                            EXCLUDE ("price_id_right", "subscription_id_right")
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
                              "t18"."customer_id",
                              "t18"."inv_currency",
                              "t18"."paid",
                              "t10"."price_id" AS "price_id_right",
                              "t10"."price_product",
                              "t10"."unit",
                              "t10"."price_interval",
                              "t10"."price_count",
                              "t10"."price_type",
                              "t10"."price_free",
                              "t17"."subscription_id" AS "subscription_id_right",
                              "t17"."stop_at"
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
                            ) AS "t18"
                              ON "t5"."invoice_id" = "t18"."invoice_id"
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
                            ) AS "t10"
                              ON "t5"."price_id" = "t10"."price_id"
                            LEFT OUTER JOIN (
                              SELECT
                                "t0"."subscription_id",
                                COALESCE(
                                  "t0"."ended_at",
                                  CASE WHEN "t0"."status" = 'canceled' THEN "t0"."canceled_at" ELSE NULL END
                                ) AS "stop_at"
                              FROM "subscriptions" AS "t0"
                            ) AS "t17"
                              ON "t5"."subscription_id" = "t17"."subscription_id"
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
                        ON "t31"."subscription_id" = "t25"."subscription_id"
                        AND "t31"."period_end_at" = "t25"."period_end_at"
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
                CAST("t36"."period_start_at" AS DATE) < CAST("t36"."_end_at" AS DATE)
            ) AS "t38"
            LEFT OUTER JOIN (
              SELECT
                "t23"."currency",
                "t23"."rate",
                "t23"."valid_to",
                CASE WHEN "t23"."first" THEN MAKE_DATE(1900, 1, 1) ELSE "t23"."rate_on" END AS "valid_from"
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
                        "t1"."quote_currency" AS "currency",
                        "t1"."rate_on",
                        1.0 / "t1"."rate" AS "rate"
                      FROM "fx_rates" AS "t1"
                      WHERE
                        "t1"."currency" = 'USD' AND "t1"."rate" > 0
                    ) AS "t12"
                    ANTI JOIN (
                      SELECT DISTINCT
                        "t1"."currency"
                      FROM "fx_rates" AS "t1"
                      WHERE
                        "t1"."quote_currency" = 'USD'
                    ) AS "t13"
                      ON "t12"."currency" = "t13"."currency"
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
          ) AS "t39"
          WHERE
            "t39"."units" > 0 AND "t39"."start_on" <= MAKE_DATE(2026, 11, 1)
        ) AS "t40"
        GROUP BY
          1
      ) AS "t42"
        ON "t15"."subscription_id" = "t42"."subscription_id"
    ) AS "t43"
  ) AS "t44"
  GROUP BY
    1
) AS "t45"
ORDER BY
  "t45"."period" ASC;

-- the metric
SELECT
  *
FROM "ibis_memtable_0"
