-- run while the expression is built (1 of 1)
WITH "t7" AS (
  SELECT
    "t5"."price_id",
    "t5"."product_id" AS "price_product",
    "t5"."amount_minor" AS "unit",
    "t5"."interval" AS "price_interval",
    "t5"."interval_count" AS "price_count",
    "t5"."type" AS "price_type",
    "t5"."is_free" AS "price_free"
  FROM "prices" AS "t5"
), "t35" AS (
  SELECT
    "t29"."currency",
    "t29"."rate_on",
    "t29"."rate",
    LEAD("t29"."rate_on") OVER (
      PARTITION BY "t29"."currency"
      ORDER BY "t29"."rate_on" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "valid_to",
    (
      ROW_NUMBER() OVER (
        PARTITION BY "t29"."currency"
        ORDER BY "t29"."rate_on" ASC
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
    ) AS "t9"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t14"."currency",
        "t14"."rate_on",
        "t14"."rate"
      FROM (
        SELECT
          "t1"."quote_currency" AS "currency",
          "t1"."rate_on",
          CAST(1.0 AS DOUBLE PRECISION) / "t1"."rate" AS "rate"
        FROM "fx_rates" AS "t1"
        WHERE
          "t1"."currency" = 'USD' AND "t1"."rate" > 0
      ) AS "t14"
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
          ) AS "t15"
          WHERE
            "t14"."currency" = "t15"."currency"
        )
    ) AS "t27"
  ) AS "t29"
), "t46" AS (
  SELECT
    "t20"."charge_id",
    "t20"."customer_id",
    "t20"."invoice_id",
    "t20"."amount_minor",
    "t20"."amount_refunded_minor",
    "t20"."currency",
    "t20"."status",
    "t20"."failure_code",
    "t20"."failure_message",
    "t20"."decline_code",
    "t20"."outcome_type",
    "t20"."card_brand",
    "t20"."card_exp_month",
    "t20"."card_exp_year",
    "t20"."card_last4",
    "t20"."created_at",
    "t20"."_version_at",
    "t20"."day",
    "t38"."currency" AS "currency_right",
    "t38"."rate",
    "t38"."valid_to",
    "t38"."valid_from"
  FROM (
    SELECT
      "t0"."charge_id",
      "t0"."customer_id",
      "t0"."invoice_id",
      "t0"."amount_minor",
      "t0"."amount_refunded_minor",
      UPPER("t0"."currency") AS "currency",
      "t0"."status",
      "t0"."failure_code",
      "t0"."failure_message",
      "t0"."decline_code",
      "t0"."outcome_type",
      "t0"."card_brand",
      "t0"."card_exp_month",
      "t0"."card_exp_year",
      "t0"."card_last4",
      "t0"."created_at",
      "t0"."_version_at",
      DATE("t0"."created_at") AS "day"
    FROM "payments" AS "t0"
    WHERE
      DATE("t0"."created_at") <= MAKE_DATE(2026, 11, 1)
  ) AS "t20"
  LEFT OUTER JOIN (
    SELECT
      "t36"."currency",
      "t36"."rate",
      "t36"."valid_to",
      CASE
        WHEN "t36"."first"
        THEN MAKE_DATE(CAST(1900 AS INT), CAST(1 AS INT), CAST(1 AS INT))
        ELSE "t36"."rate_on"
      END AS "valid_from"
    FROM "t35" AS "t36"
  ) AS "t38"
    ON "t20"."currency" = "t38"."currency"
    AND "t20"."day" >= "t38"."valid_from"
    AND (
      (
        "t38"."valid_to" IS NULL
      ) OR (
        "t20"."day" < "t38"."valid_to"
      )
    )
)
SELECT
  "t77"."period",
  "t77"."attempts",
  "t77"."succeeded",
  "t77"."failed",
  CASE
    WHEN (
      "t77"."succeeded" + "t77"."failed"
    ) > 0
    THEN CAST("t77"."succeeded" AS DOUBLE PRECISION) / CAST("t77"."succeeded" + "t77"."failed" AS DOUBLE PRECISION)
    ELSE NULL
  END AS "success_rate",
  CAST("t77"."failed_units" AS DOUBLE PRECISION) / 10000 AS "failed_amount",
  COALESCE("t77"."recovered_invoices", 0) AS "recovered_invoices",
  CAST(COALESCE("t77"."recovered_u", 0) AS DOUBLE PRECISION) / 10000 AS "recovered_mrr"
FROM (
  SELECT
    "t76"."period",
    "t76"."attempts",
    "t76"."succeeded",
    "t76"."failed",
    "t76"."failed_units",
    "t76"."recovered_invoices",
    "t76"."recovered_u"
  FROM (
    SELECT
      "t57"."period",
      "t57"."attempts",
      "t57"."succeeded",
      "t57"."failed",
      "t57"."failed_units",
      "t75"."period" AS "period_right",
      "t75"."recovered_invoices",
      "t75"."recovered_u"
    FROM (
      SELECT
        "t50"."period",
        COUNT(*) AS "attempts",
        SUM(CAST(CAST("t50"."succeeded" AS INT) AS BIGINT)) AS "succeeded",
        SUM(CAST(CAST("t50"."failed" AS INT) AS BIGINT)) AS "failed",
        COALESCE(SUM("t50"."units") FILTER(WHERE
          "t50"."failed"), 0) AS "failed_units"
      FROM (
        SELECT
          "t48"."charge_id",
          "t48"."customer_id",
          "t48"."invoice_id",
          "t48"."amount_minor",
          "t48"."amount_refunded_minor",
          "t48"."currency",
          "t48"."status",
          "t48"."failure_code",
          "t48"."failure_message",
          "t48"."decline_code",
          "t48"."outcome_type",
          "t48"."card_brand",
          "t48"."card_exp_month",
          "t48"."card_exp_year",
          "t48"."card_last4",
          "t48"."created_at",
          "t48"."_version_at",
          "t48"."day",
          "t48"."currency_right",
          "t48"."rate",
          "t48"."valid_to",
          "t48"."valid_from",
          DATE_TRUNC('MONTH', "t48"."day") AS "period",
          CAST(COALESCE("t48"."amount_minor", 0) AS DOUBLE PRECISION) * CASE
            WHEN "t48"."currency" = 'USD'
            THEN 1.0
            ELSE "t48"."rate" * CASE
              WHEN "t48"."currency" IN (
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
              WHEN "t48"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
              THEN 0.1
              ELSE 1.0
            END
          END * 100 AS "units",
          "t48"."status" = 'failed' AS "failed",
          "t48"."status" = 'succeeded' AS "succeeded"
        FROM "t46" AS "t48"
      ) AS "t50"
      GROUP BY
        1
    ) AS "t57"
    LEFT OUTER JOIN (
      SELECT
        "t73"."period",
        COUNT(*) AS "recovered_invoices",
        SUM(COALESCE("t73"."mrr_u", 0)) AS "recovered_u"
      FROM (
        SELECT
          "t72"."invoice_id",
          "t72"."recovered_on",
          "t72"."invoice_id_right",
          "t72"."mrr_u",
          DATE_TRUNC('MONTH', "t72"."recovered_on") AS "period"
        FROM (
          SELECT
            "t65"."invoice_id",
            "t65"."recovered_on",
            "t71"."invoice_id" AS "invoice_id_right",
            "t71"."mrr_u"
          FROM (
            SELECT
              "t61"."invoice_id",
              MIN("t61"."day") AS "recovered_on"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t53"."charge_id",
                  "t53"."customer_id",
                  "t53"."invoice_id",
                  "t53"."amount_minor",
                  "t53"."amount_refunded_minor",
                  "t53"."currency",
                  "t53"."status",
                  "t53"."failure_code",
                  "t53"."failure_message",
                  "t53"."decline_code",
                  "t53"."outcome_type",
                  "t53"."card_brand",
                  "t53"."card_exp_month",
                  "t53"."card_exp_year",
                  "t53"."card_last4",
                  "t53"."created_at",
                  "t53"."_version_at",
                  "t53"."day",
                  "t53"."currency_right",
                  "t53"."rate",
                  "t53"."valid_to",
                  "t53"."valid_from",
                  "t53"."period",
                  "t53"."units",
                  "t53"."failed",
                  "t53"."succeeded",
                  "t56"."failed_at"
                FROM (
                  SELECT
                    "t48"."charge_id",
                    "t48"."customer_id",
                    "t48"."invoice_id",
                    "t48"."amount_minor",
                    "t48"."amount_refunded_minor",
                    "t48"."currency",
                    "t48"."status",
                    "t48"."failure_code",
                    "t48"."failure_message",
                    "t48"."decline_code",
                    "t48"."outcome_type",
                    "t48"."card_brand",
                    "t48"."card_exp_month",
                    "t48"."card_exp_year",
                    "t48"."card_last4",
                    "t48"."created_at",
                    "t48"."_version_at",
                    "t48"."day",
                    "t48"."currency_right",
                    "t48"."rate",
                    "t48"."valid_to",
                    "t48"."valid_from",
                    DATE_TRUNC('MONTH', "t48"."day") AS "period",
                    CAST(COALESCE("t48"."amount_minor", 0) AS DOUBLE PRECISION) * CASE
                      WHEN "t48"."currency" = 'USD'
                      THEN 1.0
                      ELSE "t48"."rate" * CASE
                        WHEN "t48"."currency" IN (
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
                        WHEN "t48"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
                        THEN 0.1
                        ELSE 1.0
                      END
                    END * 100 AS "units",
                    "t48"."status" = 'failed' AS "failed",
                    "t48"."status" = 'succeeded' AS "succeeded"
                  FROM "t46" AS "t48"
                  WHERE
                    "t48"."invoice_id" IS NOT NULL AND "t48"."status" = 'succeeded'
                ) AS "t53"
                INNER JOIN (
                  SELECT
                    "t52"."invoice_id",
                    MIN("t52"."created_at") AS "failed_at"
                  FROM (
                    SELECT
                      "t48"."charge_id",
                      "t48"."customer_id",
                      "t48"."invoice_id",
                      "t48"."amount_minor",
                      "t48"."amount_refunded_minor",
                      "t48"."currency",
                      "t48"."status",
                      "t48"."failure_code",
                      "t48"."failure_message",
                      "t48"."decline_code",
                      "t48"."outcome_type",
                      "t48"."card_brand",
                      "t48"."card_exp_month",
                      "t48"."card_exp_year",
                      "t48"."card_last4",
                      "t48"."created_at",
                      "t48"."_version_at",
                      "t48"."day",
                      "t48"."currency_right",
                      "t48"."rate",
                      "t48"."valid_to",
                      "t48"."valid_from",
                      DATE_TRUNC('MONTH', "t48"."day") AS "period",
                      CAST(COALESCE("t48"."amount_minor", 0) AS DOUBLE PRECISION) * CASE
                        WHEN "t48"."currency" = 'USD'
                        THEN 1.0
                        ELSE "t48"."rate" * CASE
                          WHEN "t48"."currency" IN (
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
                          WHEN "t48"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
                          THEN 0.1
                          ELSE 1.0
                        END
                      END * 100 AS "units",
                      "t48"."status" = 'failed' AS "failed",
                      "t48"."status" = 'succeeded' AS "succeeded"
                    FROM "t46" AS "t48"
                    WHERE
                      "t48"."invoice_id" IS NOT NULL AND "t48"."status" = 'failed'
                  ) AS "t52"
                  GROUP BY
                    1
                ) AS "t56"
                  ON "t53"."invoice_id" = "t56"."invoice_id"
              ) AS "t60"
              WHERE
                "t60"."created_at" > "t60"."failed_at"
            ) AS "t61"
            GROUP BY
              1
          ) AS "t65"
          LEFT OUTER JOIN (
            SELECT
              "t69"."invoice_id",
              SUM("t69"."units") AS "mrr_u"
            FROM (
              SELECT
                "t68"."line_id",
                "t68"."customer_id",
                "t68"."subscription_id",
                "t68"."invoice_id",
                "t68"."price_id",
                "t68"."product_id",
                "t68"."currency",
                "t68"."start_on",
                "t68"."end_on",
                "t68"."is_free",
                "t68"."paid",
                CAST(SIGN(
                  "t68"."monthly_minor" * CASE WHEN "t68"."currency" = 'USD' THEN 1.0 ELSE "t43"."minor" END * 100
                ) * CAST(FLOOR(
                  ABS(
                    "t68"."monthly_minor" * CASE WHEN "t68"."currency" = 'USD' THEN 1.0 ELSE "t43"."minor" END * 100
                  ) + 0.5
                ) AS BIGINT) AS BIGINT) AS "units"
              FROM (
                SELECT
                  *
                FROM (
                  SELECT
                    "t63"."line_id",
                    "t63"."invoice_id",
                    "t63"."subscription_id",
                    "t63"."subscription_item_id",
                    "t63"."price_id",
                    "t63"."kind",
                    "t63"."amount_minor",
                    UPPER(COALESCE("t63"."currency", "t63"."inv_currency")) AS "currency",
                    "t63"."quantity",
                    "t63"."discount_minor",
                    "t63"."tax_minor",
                    "t63"."proration",
                    "t63"."period_start_at",
                    "t63"."period_end_at",
                    "t63"."description",
                    "t63"."_version_at",
                    "t63"."customer_id",
                    "t63"."inv_currency",
                    "t63"."paid",
                    "t63"."price_product",
                    "t63"."unit",
                    "t63"."price_interval",
                    "t63"."price_count",
                    "t63"."price_type",
                    "t63"."price_free",
                    "t63"."_proration",
                    "t63"."_share",
                    "t63"."stop_at",
                    "t63"."_monthly_list",
                    "t63"."_end_at",
                    "t63"."_anchor_at",
                    "t63"."_anchor_share",
                    CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
                      days => CAST(CAST(FLOOR(
                        CAST(DATE_PART(
                          'epoch',
                          CASE
                            WHEN "t63"."_proration"
                            THEN COALESCE("t63"."_anchor_at", "t63"."period_start_at")
                            ELSE "t63"."period_start_at"
                          END
                        ) AS DOUBLE PRECISION) / 86400
                      ) AS BIGINT) AS INT)
                    ) AS TIMESTAMP) AS DATE) AS "fx_on",
                    CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
                      days => CAST(CAST(FLOOR(CAST(DATE_PART('epoch', "t63"."period_start_at") AS DOUBLE PRECISION) / 86400) AS BIGINT) AS INT)
                    ) AS TIMESTAMP) AS DATE) AS "start_on",
                    CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
                      days => CAST(CAST(FLOOR(CAST(DATE_PART('epoch', "t63"."_end_at") AS DOUBLE PRECISION) / 86400) AS BIGINT) AS INT)
                    ) AS TIMESTAMP) AS DATE) AS "end_on",
                    "t63"."_monthly_list" * (
                      1.0 - CASE
                        WHEN "t63"."_proration"
                        THEN COALESCE("t63"."_anchor_share", "t63"."_share")
                        ELSE "t63"."_share"
                      END
                    ) AS "monthly_minor",
                    COALESCE("t63"."price_free", FALSE) OR (
                      COALESCE("t63"."unit", -1) = 0
                    ) AS "is_free",
                    "t63"."price_product" AS "product_id"
                  FROM (
                    SELECT
                      "t62"."line_id",
                      "t62"."invoice_id",
                      "t62"."subscription_id",
                      "t62"."subscription_item_id",
                      "t62"."price_id",
                      "t62"."kind",
                      "t62"."amount_minor",
                      "t62"."currency",
                      "t62"."quantity",
                      "t62"."discount_minor",
                      "t62"."tax_minor",
                      "t62"."proration",
                      "t62"."period_start_at",
                      "t62"."period_end_at",
                      "t62"."description",
                      "t62"."_version_at",
                      "t62"."customer_id",
                      "t62"."inv_currency",
                      "t62"."paid",
                      "t62"."price_product",
                      "t62"."unit",
                      "t62"."price_interval",
                      "t62"."price_count",
                      "t62"."price_type",
                      "t62"."price_free",
                      "t62"."_proration",
                      "t62"."_share",
                      "t62"."stop_at",
                      "t62"."_monthly_list",
                      "t62"."_end_at",
                      "t62"."_anchor_at",
                      "t62"."_anchor_share"
                    FROM (
                      SELECT
                        "t59"."line_id",
                        "t59"."invoice_id",
                        "t59"."subscription_id",
                        "t59"."subscription_item_id",
                        "t59"."price_id",
                        "t59"."kind",
                        "t59"."amount_minor",
                        "t59"."currency",
                        "t59"."quantity",
                        "t59"."discount_minor",
                        "t59"."tax_minor",
                        "t59"."proration",
                        "t59"."period_start_at",
                        "t59"."period_end_at",
                        "t59"."description",
                        "t59"."_version_at",
                        "t59"."customer_id",
                        "t59"."inv_currency",
                        "t59"."paid",
                        "t59"."price_product",
                        "t59"."unit",
                        "t59"."price_interval",
                        "t59"."price_count",
                        "t59"."price_type",
                        "t59"."price_free",
                        "t59"."_proration",
                        "t59"."_share",
                        "t59"."stop_at",
                        "t59"."_monthly_list",
                        "t59"."_end_at",
                        "t45"."subscription_id" AS "subscription_id_right",
                        "t45"."period_end_at" AS "period_end_at_right",
                        "t45"."_anchor_at",
                        "t45"."_anchor_share"
                      FROM (
                        SELECT
                          "t49"."line_id",
                          "t49"."invoice_id",
                          "t49"."subscription_id",
                          "t49"."subscription_item_id",
                          "t49"."price_id",
                          "t49"."kind",
                          "t49"."amount_minor",
                          "t49"."currency",
                          "t49"."quantity",
                          "t49"."discount_minor",
                          "t49"."tax_minor",
                          "t49"."proration",
                          "t49"."period_start_at",
                          "t49"."period_end_at",
                          "t49"."description",
                          "t49"."_version_at",
                          "t49"."customer_id",
                          "t49"."inv_currency",
                          "t49"."paid",
                          "t49"."price_product",
                          "t49"."unit",
                          "t49"."price_interval",
                          "t49"."price_count",
                          "t49"."price_type",
                          "t49"."price_free",
                          "t49"."_proration",
                          "t49"."_share",
                          "t49"."stop_at",
                          CAST(CASE
                            WHEN "t49"."_proration"
                            THEN SIGN(CAST(COALESCE("t49"."amount_minor", 0) AS DOUBLE PRECISION)) * COALESCE(
                              CAST("t49"."unit" * COALESCE("t49"."quantity", 1) AS DOUBLE PRECISION),
                              CAST((
                                ABS(CAST(COALESCE("t49"."amount_minor", 0) AS DOUBLE PRECISION)) * (
                                  COALESCE(
                                    CASE
                                      WHEN "t49"."price_interval" = 'day'
                                      THEN 0.03287671232876712
                                      WHEN "t49"."price_interval" = 'week'
                                      THEN 0.23076923076923078
                                      WHEN "t49"."price_interval" = 'month'
                                      THEN 1.0
                                      WHEN "t49"."price_interval" = 'year'
                                      THEN 12.0
                                      ELSE NULL
                                    END * CAST(COALESCE("t49"."price_count", 1) AS DOUBLE PRECISION),
                                    CAST((
                                      CAST((
                                        DATE_PART('epoch', "t49"."period_end_at") - DATE_PART('epoch', "t49"."period_start_at")
                                      ) AS DOUBLE PRECISION) / 86400
                                    ) AS DOUBLE PRECISION) / 30.4375
                                  ) * 30.4375
                                )
                              ) AS DOUBLE PRECISION) / GREATEST(
                                CAST((
                                  DATE_PART('epoch', "t49"."period_end_at") - DATE_PART('epoch', "t49"."period_start_at")
                                ) AS DOUBLE PRECISION) / 86400,
                                0.041666666666666664
                              )
                            )
                            ELSE CAST(COALESCE("t49"."amount_minor", 0) AS DOUBLE PRECISION)
                          END AS DOUBLE PRECISION) / COALESCE(
                            CASE
                              WHEN "t49"."price_interval" = 'day'
                              THEN 0.03287671232876712
                              WHEN "t49"."price_interval" = 'week'
                              THEN 0.23076923076923078
                              WHEN "t49"."price_interval" = 'month'
                              THEN 1.0
                              WHEN "t49"."price_interval" = 'year'
                              THEN 12.0
                              ELSE NULL
                            END * CAST(COALESCE("t49"."price_count", 1) AS DOUBLE PRECISION),
                            CAST((
                              CAST((
                                DATE_PART('epoch', "t49"."period_end_at") - DATE_PART('epoch', "t49"."period_start_at")
                              ) AS DOUBLE PRECISION) / 86400
                            ) AS DOUBLE PRECISION) / 30.4375
                          ) AS "_monthly_list",
                          LEAST("t49"."period_end_at", COALESCE("t49"."stop_at", "t49"."period_end_at")) AS "_end_at"
                        FROM (
                          SELECT
                            "t47"."line_id",
                            "t47"."invoice_id",
                            "t47"."subscription_id",
                            "t47"."subscription_item_id",
                            "t47"."price_id",
                            "t47"."kind",
                            "t47"."amount_minor",
                            "t47"."currency",
                            "t47"."quantity",
                            "t47"."discount_minor",
                            "t47"."tax_minor",
                            "t47"."proration",
                            "t47"."period_start_at",
                            "t47"."period_end_at",
                            "t47"."description",
                            "t47"."_version_at",
                            "t47"."customer_id",
                            "t47"."inv_currency",
                            "t47"."paid",
                            "t47"."price_product",
                            "t47"."unit",
                            "t47"."price_interval",
                            "t47"."price_count",
                            "t47"."price_type",
                            "t47"."price_free",
                            "t47"."_proration",
                            "t47"."_share",
                            "t47"."stop_at"
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
                              "t30"."subscription_id" AS "subscription_id_right",
                              "t30"."stop_at"
                            FROM (
                              SELECT
                                "t34"."line_id",
                                "t34"."invoice_id",
                                "t34"."subscription_id",
                                "t34"."subscription_item_id",
                                "t34"."price_id",
                                "t34"."kind",
                                "t34"."amount_minor",
                                "t34"."currency",
                                "t34"."quantity",
                                "t34"."discount_minor",
                                "t34"."tax_minor",
                                "t34"."proration",
                                "t34"."period_start_at",
                                "t34"."period_end_at",
                                "t34"."description",
                                "t34"."_version_at",
                                "t34"."customer_id",
                                "t34"."inv_currency",
                                "t34"."paid",
                                "t34"."price_product",
                                "t34"."unit",
                                "t34"."price_interval",
                                "t34"."price_count",
                                "t34"."price_type",
                                "t34"."price_free",
                                COALESCE("t34"."proration", FALSE) AS "_proration",
                                GREATEST(
                                  LEAST(
                                    CASE
                                      WHEN CAST(COALESCE("t34"."amount_minor", 0) AS DOUBLE PRECISION) = 0
                                      THEN 0.0
                                      ELSE CAST(COALESCE("t34"."discount_minor", 0) AS DOUBLE PRECISION) / ABS(CAST(COALESCE("t34"."amount_minor", 0) AS DOUBLE PRECISION))
                                    END,
                                    1.0
                                  ),
                                  0.0
                                ) AS "_share"
                              FROM (
                                SELECT
                                  "t32"."line_id",
                                  "t32"."invoice_id",
                                  "t32"."subscription_id",
                                  "t32"."subscription_item_id",
                                  "t32"."price_id",
                                  "t32"."kind",
                                  "t32"."amount_minor",
                                  "t32"."currency",
                                  "t32"."quantity",
                                  "t32"."discount_minor",
                                  "t32"."tax_minor",
                                  "t32"."proration",
                                  "t32"."period_start_at",
                                  "t32"."period_end_at",
                                  "t32"."description",
                                  "t32"."_version_at",
                                  "t32"."customer_id",
                                  "t32"."inv_currency",
                                  "t32"."paid",
                                  "t32"."price_product",
                                  "t32"."unit",
                                  "t32"."price_interval",
                                  "t32"."price_count",
                                  "t32"."price_type",
                                  "t32"."price_free"
                                FROM (
                                  SELECT
                                    "t6"."line_id",
                                    "t6"."invoice_id",
                                    "t6"."subscription_id",
                                    "t6"."subscription_item_id",
                                    "t6"."price_id",
                                    "t6"."kind",
                                    "t6"."amount_minor",
                                    "t6"."currency",
                                    "t6"."quantity",
                                    "t6"."discount_minor",
                                    "t6"."tax_minor",
                                    "t6"."proration",
                                    "t6"."period_start_at",
                                    "t6"."period_end_at",
                                    "t6"."description",
                                    "t6"."_version_at",
                                    "t26"."customer_id",
                                    "t26"."inv_currency",
                                    "t26"."paid",
                                    "t19"."price_id" AS "price_id_right",
                                    "t19"."price_product",
                                    "t19"."unit",
                                    "t19"."price_interval",
                                    "t19"."price_count",
                                    "t19"."price_type",
                                    "t19"."price_free"
                                  FROM "invoice_lines" AS "t6"
                                  INNER JOIN (
                                    SELECT
                                      "t4"."invoice_id",
                                      "t4"."customer_id",
                                      "t4"."currency" AS "inv_currency",
                                      "t4"."status" = 'paid' AS "paid"
                                    FROM "invoices" AS "t4"
                                    WHERE
                                      (
                                        "t4"."status" IS NULL
                                      ) OR NOT (
                                        "t4"."status" IN ('void', 'draft')
                                      )
                                  ) AS "t26"
                                    ON "t6"."invoice_id" = "t26"."invoice_id"
                                  LEFT OUTER JOIN "t7" AS "t19"
                                    ON "t6"."price_id" = "t19"."price_id"
                                ) AS "t32"
                              ) AS "t34"
                              WHERE
                                "t34"."subscription_id" IS NOT NULL
                                AND (
                                  (
                                    "t34"."price_interval" IS NOT NULL
                                  )
                                  OR (
                                    (
                                      "t34"."price_type" IS NULL
                                    ) AND (
                                      "t34"."kind" = 'subscription'
                                    )
                                  )
                                )
                                AND "t34"."period_start_at" IS NOT NULL
                                AND "t34"."period_end_at" IS NOT NULL
                            ) AS "t41"
                            LEFT OUTER JOIN (
                              SELECT
                                *
                              FROM (
                                SELECT
                                  "t2"."subscription_id",
                                  COALESCE(
                                    "t2"."ended_at",
                                    CASE WHEN "t2"."status" = 'canceled' THEN "t2"."canceled_at" ELSE NULL END
                                  ) AS "stop_at"
                                FROM "subscriptions" AS "t2"
                              ) AS "t21"
                              WHERE
                                "t21"."stop_at" IS NOT NULL
                            ) AS "t30"
                              ON "t41"."subscription_id" = "t30"."subscription_id"
                          ) AS "t47"
                        ) AS "t49"
                      ) AS "t59"
                      LEFT OUTER JOIN (
                        SELECT
                          "t39"."subscription_id",
                          "t39"."period_end_at",
                          MIN("t39"."period_start_at") AS "_anchor_at",
                          AVG("t39"."_share") AS "_anchor_share"
                        FROM (
                          SELECT
                            "t33"."line_id",
                            "t33"."invoice_id",
                            "t33"."subscription_id",
                            "t33"."subscription_item_id",
                            "t33"."price_id",
                            "t33"."kind",
                            "t33"."amount_minor",
                            "t33"."currency",
                            "t33"."quantity",
                            "t33"."discount_minor",
                            "t33"."tax_minor",
                            "t33"."proration",
                            "t33"."period_start_at",
                            "t33"."period_end_at",
                            "t33"."description",
                            "t33"."_version_at",
                            "t33"."price_product",
                            "t33"."unit",
                            "t33"."price_interval",
                            "t33"."price_count",
                            "t33"."price_type",
                            "t33"."price_free",
                            COALESCE("t33"."proration", FALSE) AS "_proration",
                            GREATEST(
                              LEAST(
                                CASE
                                  WHEN CAST(COALESCE("t33"."amount_minor", 0) AS DOUBLE PRECISION) = 0
                                  THEN 0.0
                                  ELSE CAST(COALESCE("t33"."discount_minor", 0) AS DOUBLE PRECISION) / ABS(CAST(COALESCE("t33"."amount_minor", 0) AS DOUBLE PRECISION))
                                END,
                                1.0
                              ),
                              0.0
                            ) AS "_share"
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
                              "t31"."price_product",
                              "t31"."unit",
                              "t31"."price_interval",
                              "t31"."price_count",
                              "t31"."price_type",
                              "t31"."price_free"
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
                                "t18"."price_id" AS "price_id_right",
                                "t18"."price_product",
                                "t18"."unit",
                                "t18"."price_interval",
                                "t18"."price_count",
                                "t18"."price_type",
                                "t18"."price_free"
                              FROM (
                                SELECT
                                  *
                                FROM "invoice_lines" AS "t3"
                                WHERE
                                  NOT (
                                    COALESCE("t3"."proration", FALSE)
                                  )
                              ) AS "t22"
                              LEFT OUTER JOIN "t7" AS "t18"
                                ON "t22"."price_id" = "t18"."price_id"
                              WHERE
                                EXISTS(
                                  SELECT
                                    1
                                  FROM (
                                    SELECT DISTINCT
                                      "t3"."subscription_id",
                                      "t3"."period_end_at"
                                    FROM "invoice_lines" AS "t3"
                                    WHERE
                                      COALESCE("t3"."proration", FALSE)
                                  ) AS "t17"
                                  WHERE
                                    "t22"."subscription_id" = "t17"."subscription_id"
                                    AND "t22"."period_end_at" = "t17"."period_end_at"
                                )
                                AND EXISTS(
                                  SELECT
                                    1
                                  FROM (
                                    SELECT
                                      "t4"."invoice_id"
                                    FROM "invoices" AS "t4"
                                    WHERE
                                      (
                                        "t4"."status" IS NULL
                                      ) OR NOT (
                                        "t4"."status" IN ('void', 'draft')
                                      )
                                  ) AS "t25"
                                  WHERE
                                    "t22"."invoice_id" = "t25"."invoice_id"
                                )
                            ) AS "t31"
                          ) AS "t33"
                          WHERE
                            "t33"."subscription_id" IS NOT NULL
                            AND (
                              (
                                "t33"."price_interval" IS NOT NULL
                              )
                              OR (
                                (
                                  "t33"."price_type" IS NULL
                                ) AND (
                                  "t33"."kind" = 'subscription'
                                )
                              )
                            )
                            AND "t33"."period_start_at" IS NOT NULL
                            AND "t33"."period_end_at" IS NOT NULL
                        ) AS "t39"
                        GROUP BY
                          1,
                          2
                      ) AS "t45"
                        ON "t59"."subscription_id" = "t45"."subscription_id"
                        AND "t59"."period_end_at" = "t45"."period_end_at"
                    ) AS "t62"
                  ) AS "t63"
                ) AS "t66"
                WHERE
                  "t66"."start_on" < "t66"."end_on"
              ) AS "t68"
              LEFT OUTER JOIN (
                SELECT
                  "t36"."currency",
                  "t36"."rate",
                  COALESCE("t36"."valid_to", MAKE_DATE(CAST(9999 AS INT), CAST(12 AS INT), CAST(31 AS INT))) AS "valid_to",
                  CASE
                    WHEN "t36"."first"
                    THEN MAKE_DATE(CAST(1900 AS INT), CAST(1 AS INT), CAST(1 AS INT))
                    ELSE "t36"."rate_on"
                  END AS "valid_from",
                  CASE
                    WHEN "t36"."currency" = 'USD'
                    THEN 1.0
                    ELSE "t36"."rate" * CASE
                      WHEN "t36"."currency" IN (
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
                      WHEN "t36"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
                      THEN 0.1
                      ELSE 1.0
                    END
                  END AS "minor"
                FROM "t35" AS "t36"
              ) AS "t43"
                ON "t68"."currency" = "t43"."currency"
                AND "t68"."fx_on" >= "t43"."valid_from"
                AND "t68"."fx_on" < "t43"."valid_to"
            ) AS "t69"
            GROUP BY
              1
          ) AS "t71"
            ON "t65"."invoice_id" = "t71"."invoice_id"
        ) AS "t72"
      ) AS "t73"
      GROUP BY
        1
    ) AS "t75"
      ON "t57"."period" = "t75"."period"
  ) AS "t76"
) AS "t77"
ORDER BY
  "t77"."period" ASC;

-- the metric
SELECT
  *
FROM "ibis_memtable_0"
