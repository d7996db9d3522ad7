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
), "t23" AS (
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
), "t34" AS (
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
    ) AS "t28"
  ) AS "t29"
), "t44" AS (
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
    "t37"."currency" AS "currency_right",
    "t37"."rate",
    "t37"."valid_to",
    "t37"."valid_from"
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
      "t35"."currency",
      "t35"."rate",
      "t35"."valid_to",
      CASE
        WHEN "t35"."first"
        THEN MAKE_DATE(CAST(1900 AS INT), CAST(1 AS INT), CAST(1 AS INT))
        ELSE "t35"."rate_on"
      END AS "valid_from"
    FROM "t34" AS "t35"
  ) AS "t37"
    ON "t20"."currency" = "t37"."currency"
    AND "t20"."day" >= "t37"."valid_from"
    AND (
      (
        "t37"."valid_to" IS NULL
      ) OR (
        "t20"."day" < "t37"."valid_to"
      )
    )
)
SELECT
  "t76"."period",
  "t76"."attempts",
  "t76"."succeeded",
  "t76"."failed",
  CASE
    WHEN (
      "t76"."succeeded" + "t76"."failed"
    ) > 0
    THEN CAST("t76"."succeeded" AS DOUBLE PRECISION) / CAST("t76"."succeeded" + "t76"."failed" AS DOUBLE PRECISION)
    ELSE NULL
  END AS "success_rate",
  CAST("t76"."failed_units" AS DOUBLE PRECISION) / 10000 AS "failed_amount",
  COALESCE("t76"."recovered_invoices", 0) AS "recovered_invoices",
  CAST(COALESCE("t76"."recovered_u", 0) AS DOUBLE PRECISION) / 10000 AS "recovered_mrr"
FROM (
  SELECT
    "t75"."period",
    "t75"."attempts",
    "t75"."succeeded",
    "t75"."failed",
    "t75"."failed_units",
    "t75"."recovered_invoices",
    "t75"."recovered_u"
  FROM (
    SELECT
      "t56"."period",
      "t56"."attempts",
      "t56"."succeeded",
      "t56"."failed",
      "t56"."failed_units",
      "t74"."period" AS "period_right",
      "t74"."recovered_invoices",
      "t74"."recovered_u"
    FROM (
      SELECT
        "t49"."period",
        COUNT(*) AS "attempts",
        SUM(CAST(CAST("t49"."succeeded" AS INT) AS BIGINT)) AS "succeeded",
        SUM(CAST(CAST("t49"."failed" AS INT) AS BIGINT)) AS "failed",
        COALESCE(SUM("t49"."units") FILTER(WHERE
          "t49"."failed"), 0) AS "failed_units"
      FROM (
        SELECT
          "t46"."charge_id",
          "t46"."customer_id",
          "t46"."invoice_id",
          "t46"."amount_minor",
          "t46"."amount_refunded_minor",
          "t46"."currency",
          "t46"."status",
          "t46"."failure_code",
          "t46"."failure_message",
          "t46"."decline_code",
          "t46"."outcome_type",
          "t46"."card_brand",
          "t46"."card_exp_month",
          "t46"."card_exp_year",
          "t46"."card_last4",
          "t46"."created_at",
          "t46"."_version_at",
          "t46"."day",
          "t46"."currency_right",
          "t46"."rate",
          "t46"."valid_to",
          "t46"."valid_from",
          DATE_TRUNC('MONTH', "t46"."day") AS "period",
          CAST(COALESCE("t46"."amount_minor", 0) AS DOUBLE PRECISION) * CASE
            WHEN "t46"."currency" = 'USD'
            THEN 1.0
            ELSE "t46"."rate" * CASE
              WHEN "t46"."currency" IN (
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
              WHEN "t46"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
              THEN 0.1
              ELSE 1.0
            END
          END * 100 AS "units",
          "t46"."status" = 'failed' AS "failed",
          "t46"."status" = 'succeeded' AS "succeeded"
        FROM "t44" AS "t46"
      ) AS "t49"
      GROUP BY
        1
    ) AS "t56"
    LEFT OUTER JOIN (
      SELECT
        "t72"."period",
        COUNT(*) AS "recovered_invoices",
        SUM(COALESCE("t72"."mrr_u", 0)) AS "recovered_u"
      FROM (
        SELECT
          "t71"."invoice_id",
          "t71"."recovered_on",
          "t71"."invoice_id_right",
          "t71"."mrr_u",
          DATE_TRUNC('MONTH', "t71"."recovered_on") AS "period"
        FROM (
          SELECT
            "t64"."invoice_id",
            "t64"."recovered_on",
            "t70"."invoice_id" AS "invoice_id_right",
            "t70"."mrr_u"
          FROM (
            SELECT
              "t60"."invoice_id",
              MIN("t60"."day") AS "recovered_on"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t52"."charge_id",
                  "t52"."customer_id",
                  "t52"."invoice_id",
                  "t52"."amount_minor",
                  "t52"."amount_refunded_minor",
                  "t52"."currency",
                  "t52"."status",
                  "t52"."failure_code",
                  "t52"."failure_message",
                  "t52"."decline_code",
                  "t52"."outcome_type",
                  "t52"."card_brand",
                  "t52"."card_exp_month",
                  "t52"."card_exp_year",
                  "t52"."card_last4",
                  "t52"."created_at",
                  "t52"."_version_at",
                  "t52"."day",
                  "t52"."currency_right",
                  "t52"."rate",
                  "t52"."valid_to",
                  "t52"."valid_from",
                  "t52"."period",
                  "t52"."units",
                  "t52"."failed",
                  "t52"."succeeded",
                  "t55"."failed_at"
                FROM (
                  SELECT
                    "t46"."charge_id",
                    "t46"."customer_id",
                    "t46"."invoice_id",
                    "t46"."amount_minor",
                    "t46"."amount_refunded_minor",
                    "t46"."currency",
                    "t46"."status",
                    "t46"."failure_code",
                    "t46"."failure_message",
                    "t46"."decline_code",
                    "t46"."outcome_type",
                    "t46"."card_brand",
                    "t46"."card_exp_month",
                    "t46"."card_exp_year",
                    "t46"."card_last4",
                    "t46"."created_at",
                    "t46"."_version_at",
                    "t46"."day",
                    "t46"."currency_right",
                    "t46"."rate",
                    "t46"."valid_to",
                    "t46"."valid_from",
                    DATE_TRUNC('MONTH', "t46"."day") AS "period",
                    CAST(COALESCE("t46"."amount_minor", 0) AS DOUBLE PRECISION) * CASE
                      WHEN "t46"."currency" = 'USD'
                      THEN 1.0
                      ELSE "t46"."rate" * CASE
                        WHEN "t46"."currency" IN (
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
                        WHEN "t46"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
                        THEN 0.1
                        ELSE 1.0
                      END
                    END * 100 AS "units",
                    "t46"."status" = 'failed' AS "failed",
                    "t46"."status" = 'succeeded' AS "succeeded"
                  FROM "t44" AS "t46"
                  WHERE
                    "t46"."invoice_id" IS NOT NULL AND "t46"."status" = 'succeeded'
                ) AS "t52"
                INNER JOIN (
                  SELECT
                    "t51"."invoice_id",
                    MIN("t51"."created_at") AS "failed_at"
                  FROM (
                    SELECT
                      "t46"."charge_id",
                      "t46"."customer_id",
                      "t46"."invoice_id",
                      "t46"."amount_minor",
                      "t46"."amount_refunded_minor",
                      "t46"."currency",
                      "t46"."status",
                      "t46"."failure_code",
                      "t46"."failure_message",
                      "t46"."decline_code",
                      "t46"."outcome_type",
                      "t46"."card_brand",
                      "t46"."card_exp_month",
                      "t46"."card_exp_year",
                      "t46"."card_last4",
                      "t46"."created_at",
                      "t46"."_version_at",
                      "t46"."day",
                      "t46"."currency_right",
                      "t46"."rate",
                      "t46"."valid_to",
                      "t46"."valid_from",
                      DATE_TRUNC('MONTH', "t46"."day") AS "period",
                      CAST(COALESCE("t46"."amount_minor", 0) AS DOUBLE PRECISION) * CASE
                        WHEN "t46"."currency" = 'USD'
                        THEN 1.0
                        ELSE "t46"."rate" * CASE
                          WHEN "t46"."currency" IN (
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
                          WHEN "t46"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
                          THEN 0.1
                          ELSE 1.0
                        END
                      END * 100 AS "units",
                      "t46"."status" = 'failed' AS "failed",
                      "t46"."status" = 'succeeded' AS "succeeded"
                    FROM "t44" AS "t46"
                    WHERE
                      "t46"."invoice_id" IS NOT NULL AND "t46"."status" = 'failed'
                  ) AS "t51"
                  GROUP BY
                    1
                ) AS "t55"
                  ON "t52"."invoice_id" = "t55"."invoice_id"
              ) AS "t58"
              WHERE
                "t58"."created_at" > "t58"."failed_at"
            ) AS "t60"
            GROUP BY
              1
          ) AS "t64"
          LEFT OUTER JOIN (
            SELECT
              "t68"."invoice_id",
              SUM("t68"."units") AS "mrr_u"
            FROM (
              SELECT
                "t67"."line_id",
                "t67"."customer_id",
                "t67"."subscription_id",
                "t67"."invoice_id",
                "t67"."price_id",
                "t67"."product_id",
                "t67"."currency",
                "t67"."start_on",
                "t67"."end_on",
                "t67"."is_free",
                "t67"."paid",
                CAST(SIGN(
                  "t67"."monthly_minor" * CASE WHEN "t67"."currency" = 'USD' THEN 1.0 ELSE "t42"."minor" END * 100
                ) * CAST(FLOOR(
                  ABS(
                    "t67"."monthly_minor" * CASE WHEN "t67"."currency" = 'USD' THEN 1.0 ELSE "t42"."minor" END * 100
                  ) + 0.5
                ) AS BIGINT) AS BIGINT) AS "units"
              FROM (
                SELECT
                  *
                FROM (
                  SELECT
                    "t62"."line_id",
                    "t62"."invoice_id",
                    "t62"."subscription_id",
                    "t62"."subscription_item_id",
                    "t62"."price_id",
                    "t62"."kind",
                    "t62"."amount_minor",
                    UPPER(COALESCE("t62"."currency", "t62"."inv_currency")) AS "currency",
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
                    "t62"."_anchor_share",
                    CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
                      days => CAST(CAST(FLOOR(
                        CAST(DATE_PART(
                          'epoch',
                          CASE
                            WHEN "t62"."_proration"
                            THEN COALESCE("t62"."_anchor_at", "t62"."period_start_at")
                            ELSE "t62"."period_start_at"
                          END
                        ) AS DOUBLE PRECISION) / 86400
                      ) AS BIGINT) AS INT)
                    ) AS TIMESTAMP) AS DATE) AS "fx_on",
                    CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
                      days => CAST(CAST(FLOOR(CAST(DATE_PART('epoch', "t62"."period_start_at") AS DOUBLE PRECISION) / 86400) AS BIGINT) AS INT)
                    ) AS TIMESTAMP) AS DATE) AS "start_on",
                    CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
                      days => CAST(CAST(FLOOR(CAST(DATE_PART('epoch', "t62"."_end_at") AS DOUBLE PRECISION) / 86400) AS BIGINT) AS INT)
                    ) AS TIMESTAMP) AS DATE) AS "end_on",
                    "t62"."_monthly_list" * (
                      1.0 - CASE
                        WHEN "t62"."_proration"
                        THEN COALESCE("t62"."_anchor_share", "t62"."_share")
                        ELSE "t62"."_share"
                      END
                    ) AS "monthly_minor",
                    COALESCE("t62"."price_free", FALSE) OR (
                      COALESCE("t62"."unit", -1) = 0
                    ) AS "is_free",
                    "t62"."price_product" AS "product_id"
                  FROM (
                    SELECT
                      "t61"."line_id",
                      "t61"."invoice_id",
                      "t61"."subscription_id",
                      "t61"."subscription_item_id",
                      "t61"."price_id",
                      "t61"."kind",
                      "t61"."amount_minor",
                      "t61"."currency",
                      "t61"."quantity",
                      "t61"."discount_minor",
                      "t61"."tax_minor",
                      "t61"."proration",
                      "t61"."period_start_at",
                      "t61"."period_end_at",
                      "t61"."description",
                      "t61"."_version_at",
                      "t61"."customer_id",
                      "t61"."inv_currency",
                      "t61"."paid",
                      "t61"."price_product",
                      "t61"."unit",
                      "t61"."price_interval",
                      "t61"."price_count",
                      "t61"."price_type",
                      "t61"."price_free",
                      "t61"."_proration",
                      "t61"."_share",
                      "t61"."stop_at",
                      "t61"."_monthly_list",
                      "t61"."_end_at",
                      "t61"."_anchor_at",
                      "t61"."_anchor_share"
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
                          "t48"."line_id",
                          "t48"."invoice_id",
                          "t48"."subscription_id",
                          "t48"."subscription_item_id",
                          "t48"."price_id",
                          "t48"."kind",
                          "t48"."amount_minor",
                          "t48"."currency",
                          "t48"."quantity",
                          "t48"."discount_minor",
                          "t48"."tax_minor",
                          "t48"."proration",
                          "t48"."period_start_at",
                          "t48"."period_end_at",
                          "t48"."description",
                          "t48"."_version_at",
                          "t48"."customer_id",
                          "t48"."inv_currency",
                          "t48"."paid",
                          "t48"."price_product",
                          "t48"."unit",
                          "t48"."price_interval",
                          "t48"."price_count",
                          "t48"."price_type",
                          "t48"."price_free",
                          "t48"."_proration",
                          "t48"."_share",
                          "t48"."stop_at",
                          CAST(CASE
                            WHEN "t48"."_proration"
                            THEN SIGN(CAST(COALESCE("t48"."amount_minor", 0) AS DOUBLE PRECISION)) * COALESCE(
                              CAST("t48"."unit" * COALESCE("t48"."quantity", 1) AS DOUBLE PRECISION),
                              CAST((
                                ABS(CAST(COALESCE("t48"."amount_minor", 0) AS DOUBLE PRECISION)) * (
                                  COALESCE(
                                    CASE
                                      WHEN "t48"."price_interval" = 'day'
                                      THEN 0.03287671232876712
                                      WHEN "t48"."price_interval" = 'week'
                                      THEN 0.23076923076923078
                                      WHEN "t48"."price_interval" = 'month'
                                      THEN 1.0
                                      WHEN "t48"."price_interval" = 'year'
                                      THEN 12.0
                                      ELSE NULL
                                    END * CAST(COALESCE("t48"."price_count", 1) AS DOUBLE PRECISION),
                                    CAST((
                                      CAST((
                                        DATE_PART('epoch', "t48"."period_end_at") - DATE_PART('epoch', "t48"."period_start_at")
                                      ) AS DOUBLE PRECISION) / 86400
                                    ) AS DOUBLE PRECISION) / 30.4375
                                  ) * 30.4375
                                )
                              ) AS DOUBLE PRECISION) / GREATEST(
                                CAST((
                                  DATE_PART('epoch', "t48"."period_end_at") - DATE_PART('epoch', "t48"."period_start_at")
                                ) AS DOUBLE PRECISION) / 86400,
                                0.041666666666666664
                              )
                            )
                            ELSE CAST(COALESCE("t48"."amount_minor", 0) AS DOUBLE PRECISION)
                          END AS DOUBLE PRECISION) / COALESCE(
                            CASE
                              WHEN "t48"."price_interval" = 'day'
                              THEN 0.03287671232876712
                              WHEN "t48"."price_interval" = 'week'
                              THEN 0.23076923076923078
                              WHEN "t48"."price_interval" = 'month'
                              THEN 1.0
                              WHEN "t48"."price_interval" = 'year'
                              THEN 12.0
                              ELSE NULL
                            END * CAST(COALESCE("t48"."price_count", 1) AS DOUBLE PRECISION),
                            CAST((
                              CAST((
                                DATE_PART('epoch', "t48"."period_end_at") - DATE_PART('epoch', "t48"."period_start_at")
                              ) AS DOUBLE PRECISION) / 86400
                            ) AS DOUBLE PRECISION) / 30.4375
                          ) AS "_monthly_list",
                          LEAST("t48"."period_end_at", COALESCE("t48"."stop_at", "t48"."period_end_at")) AS "_end_at"
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
                              "t24"."subscription_id" AS "subscription_id_right",
                              "t24"."stop_at"
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
                                "t33"."customer_id",
                                "t33"."inv_currency",
                                "t33"."paid",
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
                                  "t31"."customer_id",
                                  "t31"."inv_currency",
                                  "t31"."paid",
                                  "t31"."price_product",
                                  "t31"."unit",
                                  "t31"."price_interval",
                                  "t31"."price_count",
                                  "t31"."price_type",
                                  "t31"."price_free"
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
                                    "t27"."customer_id",
                                    "t27"."inv_currency",
                                    "t27"."paid",
                                    "t19"."price_id" AS "price_id_right",
                                    "t19"."price_product",
                                    "t19"."unit",
                                    "t19"."price_interval",
                                    "t19"."price_count",
                                    "t19"."price_type",
                                    "t19"."price_free"
                                  FROM "invoice_lines" AS "t6"
                                  INNER JOIN "t23" AS "t27"
                                    ON "t6"."invoice_id" = "t27"."invoice_id"
                                  LEFT OUTER JOIN "t7" AS "t19"
                                    ON "t6"."price_id" = "t19"."price_id"
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
                            ) AS "t41"
                            LEFT OUTER JOIN (
                              SELECT
                                "t2"."subscription_id",
                                COALESCE(
                                  "t2"."ended_at",
                                  CASE WHEN "t2"."status" = 'canceled' THEN "t2"."canceled_at" ELSE NULL END
                                ) AS "stop_at"
                              FROM "subscriptions" AS "t2"
                            ) AS "t24"
                              ON "t41"."subscription_id" = "t24"."subscription_id"
                          ) AS "t47"
                        ) AS "t48"
                      ) AS "t59"
                      LEFT OUTER JOIN (
                        SELECT
                          "t38"."subscription_id",
                          "t38"."period_end_at",
                          MIN("t38"."period_start_at") AS "_anchor_at",
                          AVG("t38"."_share") AS "_anchor_share"
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
                            "t32"."price_free",
                            COALESCE("t32"."proration", FALSE) AS "_proration",
                            GREATEST(
                              LEAST(
                                CASE
                                  WHEN CAST(COALESCE("t32"."amount_minor", 0) AS DOUBLE PRECISION) = 0
                                  THEN 0.0
                                  ELSE CAST(COALESCE("t32"."discount_minor", 0) AS DOUBLE PRECISION) / ABS(CAST(COALESCE("t32"."amount_minor", 0) AS DOUBLE PRECISION))
                                END,
                                1.0
                              ),
                              0.0
                            ) AS "_share"
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
                              "t30"."price_free"
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
                                "t26"."customer_id",
                                "t26"."inv_currency",
                                "t26"."paid",
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
                              INNER JOIN "t23" AS "t26"
                                ON "t22"."invoice_id" = "t26"."invoice_id"
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
                            ) AS "t30"
                          ) AS "t32"
                          WHERE
                            "t32"."subscription_id" IS NOT NULL
                            AND (
                              (
                                "t32"."price_interval" IS NOT NULL
                              )
                              OR (
                                (
                                  "t32"."price_type" IS NULL
                                ) AND (
                                  "t32"."kind" = 'subscription'
                                )
                              )
                            )
                            AND "t32"."period_start_at" IS NOT NULL
                            AND "t32"."period_end_at" IS NOT NULL
                        ) AS "t38"
                        GROUP BY
                          1,
                          2
                      ) AS "t45"
                        ON "t59"."subscription_id" = "t45"."subscription_id"
                        AND "t59"."period_end_at" = "t45"."period_end_at"
                    ) AS "t61"
                  ) AS "t62"
                ) AS "t65"
                WHERE
                  "t65"."start_on" < "t65"."end_on"
              ) AS "t67"
              LEFT OUTER JOIN (
                SELECT
                  "t35"."currency",
                  "t35"."rate",
                  "t35"."valid_to",
                  CASE
                    WHEN "t35"."first"
                    THEN MAKE_DATE(CAST(1900 AS INT), CAST(1 AS INT), CAST(1 AS INT))
                    ELSE "t35"."rate_on"
                  END AS "valid_from",
                  CASE
                    WHEN "t35"."currency" = 'USD'
                    THEN 1.0
                    ELSE "t35"."rate" * CASE
                      WHEN "t35"."currency" IN (
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
                      WHEN "t35"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
                      THEN 0.1
                      ELSE 1.0
                    END
                  END AS "minor"
                FROM "t34" AS "t35"
              ) AS "t42"
                ON "t67"."currency" = "t42"."currency"
                AND "t67"."fx_on" >= "t42"."valid_from"
                AND (
                  (
                    "t42"."valid_to" IS NULL
                  ) OR (
                    "t67"."fx_on" < "t42"."valid_to"
                  )
                )
            ) AS "t68"
            GROUP BY
              1
          ) AS "t70"
            ON "t64"."invoice_id" = "t70"."invoice_id"
        ) AS "t71"
      ) AS "t72"
      GROUP BY
        1
    ) AS "t74"
      ON "t56"."period" = "t74"."period"
  ) AS "t75"
) AS "t76"
ORDER BY
  "t76"."period" ASC;

-- the metric
SELECT
  *
FROM "ibis_memtable_0"
