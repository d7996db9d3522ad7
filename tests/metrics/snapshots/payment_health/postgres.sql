-- run while the expression is built (1 of 1)
WITH "t29" AS (
  SELECT
    "t15"."charge_id",
    "t15"."customer_id",
    "t15"."invoice_id",
    "t15"."amount_minor",
    "t15"."amount_refunded_minor",
    "t15"."currency",
    "t15"."status",
    "t15"."failure_code",
    "t15"."failure_message",
    "t15"."decline_code",
    "t15"."outcome_type",
    "t15"."card_brand",
    "t15"."card_exp_month",
    "t15"."card_exp_year",
    "t15"."card_last4",
    "t15"."created_at",
    "t15"."_version_at",
    "t15"."day",
    "t28"."currency" AS "currency_right",
    "t28"."rate",
    "t28"."valid_to",
    "t28"."valid_from"
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
  ) AS "t15"
  LEFT OUTER JOIN (
    SELECT
      "t24"."currency",
      "t24"."rate",
      "t24"."valid_to",
      CASE
        WHEN "t24"."first"
        THEN MAKE_DATE(CAST(1900 AS INT), CAST(1 AS INT), CAST(1 AS INT))
        ELSE "t24"."rate_on"
      END AS "valid_from"
    FROM (
      SELECT
        "t21"."currency",
        "t21"."rate_on",
        "t21"."rate",
        LEAD("t21"."rate_on") OVER (
          PARTITION BY "t21"."currency"
          ORDER BY "t21"."rate_on" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS "valid_to",
        (
          ROW_NUMBER() OVER (
            PARTITION BY "t21"."currency"
            ORDER BY "t21"."rate_on" ASC
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
        ) AS "t20"
      ) AS "t21"
    ) AS "t24"
  ) AS "t28"
    ON "t15"."currency" = "t28"."currency"
    AND "t15"."day" >= "t28"."valid_from"
    AND (
      (
        "t28"."valid_to" IS NULL
      ) OR (
        "t15"."day" < "t28"."valid_to"
      )
    )
)
SELECT
  "t62"."period",
  "t62"."attempts",
  "t62"."succeeded",
  "t62"."failed",
  CASE
    WHEN (
      "t62"."succeeded" + "t62"."failed"
    ) > 0
    THEN CAST("t62"."succeeded" AS DOUBLE PRECISION) / CAST("t62"."succeeded" + "t62"."failed" AS DOUBLE PRECISION)
    ELSE NULL
  END AS "success_rate",
  CAST("t62"."failed_units" AS DOUBLE PRECISION) / 10000 AS "failed_amount",
  COALESCE("t62"."recovered_invoices", 0) AS "recovered_invoices",
  CAST(COALESCE("t62"."recovered_u", 0) AS DOUBLE PRECISION) / 10000 AS "recovered_mrr"
FROM (
  SELECT
    "t61"."period",
    "t61"."attempts",
    "t61"."succeeded",
    "t61"."failed",
    "t61"."failed_units",
    "t61"."recovered_invoices",
    "t61"."recovered_u"
  FROM (
    SELECT
      "t45"."period",
      "t45"."attempts",
      "t45"."succeeded",
      "t45"."failed",
      "t45"."failed_units",
      "t60"."period" AS "period_right",
      "t60"."recovered_invoices",
      "t60"."recovered_u"
    FROM (
      SELECT
        "t36"."period",
        COUNT(*) AS "attempts",
        SUM(CAST(CAST("t36"."succeeded" AS INT) AS BIGINT)) AS "succeeded",
        SUM(CAST(CAST("t36"."failed" AS INT) AS BIGINT)) AS "failed",
        COALESCE(SUM("t36"."units") FILTER(WHERE
          "t36"."failed"), 0) AS "failed_units"
      FROM (
        SELECT
          "t30"."charge_id",
          "t30"."customer_id",
          "t30"."invoice_id",
          "t30"."amount_minor",
          "t30"."amount_refunded_minor",
          "t30"."currency",
          "t30"."status",
          "t30"."failure_code",
          "t30"."failure_message",
          "t30"."decline_code",
          "t30"."outcome_type",
          "t30"."card_brand",
          "t30"."card_exp_month",
          "t30"."card_exp_year",
          "t30"."card_last4",
          "t30"."created_at",
          "t30"."_version_at",
          "t30"."day",
          "t30"."currency_right",
          "t30"."rate",
          "t30"."valid_to",
          "t30"."valid_from",
          DATE_TRUNC('MONTH', "t30"."day") AS "period",
          CAST(COALESCE("t30"."amount_minor", 0) AS DOUBLE PRECISION) * CASE
            WHEN "t30"."currency" = 'USD'
            THEN 1.0
            ELSE "t30"."rate" * CASE
              WHEN "t30"."currency" IN (
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
              WHEN "t30"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
              THEN 0.1
              ELSE 1.0
            END
          END * 100 AS "units",
          "t30"."status" = 'failed' AS "failed",
          "t30"."status" = 'succeeded' AS "succeeded"
        FROM "t29" AS "t30"
      ) AS "t36"
      GROUP BY
        1
    ) AS "t45"
    LEFT OUTER JOIN (
      SELECT
        "t58"."period",
        COUNT(*) AS "recovered_invoices",
        SUM(COALESCE("t58"."mrr_u", 0)) AS "recovered_u"
      FROM (
        SELECT
          "t57"."invoice_id",
          "t57"."recovered_on",
          "t57"."invoice_id_right",
          "t57"."mrr_u",
          DATE_TRUNC('MONTH', "t57"."recovered_on") AS "period"
        FROM (
          SELECT
            "t53"."invoice_id",
            "t53"."recovered_on",
            "t56"."invoice_id" AS "invoice_id_right",
            "t56"."mrr_u"
          FROM (
            SELECT
              "t49"."invoice_id",
              MIN("t49"."day") AS "recovered_on"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t39"."charge_id",
                  "t39"."customer_id",
                  "t39"."invoice_id",
                  "t39"."amount_minor",
                  "t39"."amount_refunded_minor",
                  "t39"."currency",
                  "t39"."status",
                  "t39"."failure_code",
                  "t39"."failure_message",
                  "t39"."decline_code",
                  "t39"."outcome_type",
                  "t39"."card_brand",
                  "t39"."card_exp_month",
                  "t39"."card_exp_year",
                  "t39"."card_last4",
                  "t39"."created_at",
                  "t39"."_version_at",
                  "t39"."day",
                  "t39"."currency_right",
                  "t39"."rate",
                  "t39"."valid_to",
                  "t39"."valid_from",
                  "t39"."period",
                  "t39"."units",
                  "t39"."failed",
                  "t39"."succeeded",
                  "t44"."failed_at"
                FROM (
                  SELECT
                    "t30"."charge_id",
                    "t30"."customer_id",
                    "t30"."invoice_id",
                    "t30"."amount_minor",
                    "t30"."amount_refunded_minor",
                    "t30"."currency",
                    "t30"."status",
                    "t30"."failure_code",
                    "t30"."failure_message",
                    "t30"."decline_code",
                    "t30"."outcome_type",
                    "t30"."card_brand",
                    "t30"."card_exp_month",
                    "t30"."card_exp_year",
                    "t30"."card_last4",
                    "t30"."created_at",
                    "t30"."_version_at",
                    "t30"."day",
                    "t30"."currency_right",
                    "t30"."rate",
                    "t30"."valid_to",
                    "t30"."valid_from",
                    DATE_TRUNC('MONTH', "t30"."day") AS "period",
                    CAST(COALESCE("t30"."amount_minor", 0) AS DOUBLE PRECISION) * CASE
                      WHEN "t30"."currency" = 'USD'
                      THEN 1.0
                      ELSE "t30"."rate" * CASE
                        WHEN "t30"."currency" IN (
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
                        WHEN "t30"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
                        THEN 0.1
                        ELSE 1.0
                      END
                    END * 100 AS "units",
                    "t30"."status" = 'failed' AS "failed",
                    "t30"."status" = 'succeeded' AS "succeeded"
                  FROM "t29" AS "t30"
                  WHERE
                    "t30"."invoice_id" IS NOT NULL AND "t30"."status" = 'succeeded'
                ) AS "t39"
                INNER JOIN (
                  SELECT
                    "t38"."invoice_id",
                    MIN("t38"."created_at") AS "failed_at"
                  FROM (
                    SELECT
                      "t30"."charge_id",
                      "t30"."customer_id",
                      "t30"."invoice_id",
                      "t30"."amount_minor",
                      "t30"."amount_refunded_minor",
                      "t30"."currency",
                      "t30"."status",
                      "t30"."failure_code",
                      "t30"."failure_message",
                      "t30"."decline_code",
                      "t30"."outcome_type",
                      "t30"."card_brand",
                      "t30"."card_exp_month",
                      "t30"."card_exp_year",
                      "t30"."card_last4",
                      "t30"."created_at",
                      "t30"."_version_at",
                      "t30"."day",
                      "t30"."currency_right",
                      "t30"."rate",
                      "t30"."valid_to",
                      "t30"."valid_from",
                      DATE_TRUNC('MONTH', "t30"."day") AS "period",
                      CAST(COALESCE("t30"."amount_minor", 0) AS DOUBLE PRECISION) * CASE
                        WHEN "t30"."currency" = 'USD'
                        THEN 1.0
                        ELSE "t30"."rate" * CASE
                          WHEN "t30"."currency" IN (
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
                          WHEN "t30"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
                          THEN 0.1
                          ELSE 1.0
                        END
                      END * 100 AS "units",
                      "t30"."status" = 'failed' AS "failed",
                      "t30"."status" = 'succeeded' AS "succeeded"
                    FROM "t29" AS "t30"
                    WHERE
                      "t30"."invoice_id" IS NOT NULL AND "t30"."status" = 'failed'
                  ) AS "t38"
                  GROUP BY
                    1
                ) AS "t44"
                  ON "t39"."invoice_id" = "t44"."invoice_id"
              ) AS "t48"
              WHERE
                "t48"."created_at" > "t48"."failed_at"
            ) AS "t49"
            GROUP BY
              1
          ) AS "t53"
          LEFT OUTER JOIN (
            SELECT
              "t54"."invoice_id",
              SUM("t54"."units") AS "mrr_u"
            FROM (
              SELECT
                "t52"."line_id",
                "t52"."customer_id",
                "t52"."subscription_id",
                "t52"."invoice_id",
                "t52"."price_id",
                "t52"."product_id",
                "t52"."currency",
                "t52"."start_on",
                "t52"."end_on",
                "t52"."is_free",
                "t52"."paid",
                CAST(SIGN(
                  "t52"."monthly_minor" * CASE
                    WHEN "t52"."currency" = 'USD'
                    THEN 1.0
                    ELSE "t28"."rate" * CASE
                      WHEN "t52"."currency" IN (
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
                      WHEN "t52"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
                      THEN 0.1
                      ELSE 1.0
                    END
                  END * 100
                ) * CAST(FLOOR(
                  ABS(
                    "t52"."monthly_minor" * CASE
                      WHEN "t52"."currency" = 'USD'
                      THEN 1.0
                      ELSE "t28"."rate" * CASE
                        WHEN "t52"."currency" IN (
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
                        WHEN "t52"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
                        THEN 0.1
                        ELSE 1.0
                      END
                    END * 100
                  ) + 0.5
                ) AS BIGINT) AS BIGINT) AS "units"
              FROM (
                SELECT
                  "t47"."line_id",
                  "t47"."invoice_id",
                  "t47"."subscription_id",
                  "t47"."subscription_item_id",
                  "t47"."price_id",
                  "t47"."kind",
                  "t47"."amount_minor",
                  UPPER(COALESCE("t47"."currency", "t47"."inv_currency")) AS "currency",
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
                  "t47"."stop_at",
                  "t47"."_proration",
                  "t47"."_monthly_list",
                  "t47"."_share",
                  "t47"."_end_at",
                  "t47"."_anchor_at",
                  "t47"."_anchor_share",
                  DATE(
                    CASE
                      WHEN "t47"."_proration"
                      THEN COALESCE("t47"."_anchor_at", "t47"."period_start_at")
                      ELSE "t47"."period_start_at"
                    END
                  ) AS "fx_on",
                  DATE("t47"."period_start_at") AS "start_on",
                  DATE("t47"."_end_at") AS "end_on",
                  "t47"."_monthly_list" * (
                    1.0 - CASE
                      WHEN "t47"."_proration"
                      THEN COALESCE("t47"."_anchor_share", "t47"."_share")
                      ELSE "t47"."_share"
                    END
                  ) AS "monthly_minor",
                  COALESCE("t47"."price_free", FALSE) OR (
                    COALESCE("t47"."unit", -1) = 0
                  ) AS "is_free",
                  "t47"."price_product" AS "product_id"
                FROM (
                  SELECT
                    "t46"."line_id",
                    "t46"."invoice_id",
                    "t46"."subscription_id",
                    "t46"."subscription_item_id",
                    "t46"."price_id",
                    "t46"."kind",
                    "t46"."amount_minor",
                    "t46"."currency",
                    "t46"."quantity",
                    "t46"."discount_minor",
                    "t46"."tax_minor",
                    "t46"."proration",
                    "t46"."period_start_at",
                    "t46"."period_end_at",
                    "t46"."description",
                    "t46"."_version_at",
                    "t46"."customer_id",
                    "t46"."inv_currency",
                    "t46"."paid",
                    "t46"."price_product",
                    "t46"."unit",
                    "t46"."price_interval",
                    "t46"."price_count",
                    "t46"."price_type",
                    "t46"."price_free",
                    "t46"."stop_at",
                    "t46"."_proration",
                    "t46"."_monthly_list",
                    "t46"."_share",
                    "t46"."_end_at",
                    "t46"."_anchor_at",
                    "t46"."_anchor_share"
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
                      "t33"."stop_at",
                      "t33"."_proration",
                      "t33"."_monthly_list",
                      "t33"."_share",
                      "t33"."_end_at",
                      "t41"."subscription_id" AS "subscription_id_right",
                      "t41"."period_end_at" AS "period_end_at_right",
                      "t41"."_anchor_at",
                      "t41"."_anchor_share"
                    FROM (
                      SELECT
                        "t23"."line_id",
                        "t23"."invoice_id",
                        "t23"."subscription_id",
                        "t23"."subscription_item_id",
                        "t23"."price_id",
                        "t23"."kind",
                        "t23"."amount_minor",
                        "t23"."currency",
                        "t23"."quantity",
                        "t23"."discount_minor",
                        "t23"."tax_minor",
                        "t23"."proration",
                        "t23"."period_start_at",
                        "t23"."period_end_at",
                        "t23"."description",
                        "t23"."_version_at",
                        "t23"."customer_id",
                        "t23"."inv_currency",
                        "t23"."paid",
                        "t23"."price_product",
                        "t23"."unit",
                        "t23"."price_interval",
                        "t23"."price_count",
                        "t23"."price_type",
                        "t23"."price_free",
                        "t23"."stop_at",
                        COALESCE("t23"."proration", FALSE) AS "_proration",
                        CAST(CASE
                          WHEN COALESCE("t23"."proration", FALSE)
                          THEN SIGN(CAST(COALESCE("t23"."amount_minor", 0) AS DOUBLE PRECISION)) * COALESCE(
                            CAST("t23"."unit" * COALESCE("t23"."quantity", 1) AS DOUBLE PRECISION),
                            CAST((
                              ABS(CAST(COALESCE("t23"."amount_minor", 0) AS DOUBLE PRECISION)) * (
                                COALESCE(
                                  CASE
                                    WHEN "t23"."price_interval" = 'day'
                                    THEN 0.03287671232876712
                                    WHEN "t23"."price_interval" = 'week'
                                    THEN 0.23076923076923078
                                    WHEN "t23"."price_interval" = 'month'
                                    THEN 1.0
                                    WHEN "t23"."price_interval" = 'year'
                                    THEN 12.0
                                    ELSE NULL
                                  END * CAST(COALESCE("t23"."price_count", 1) AS DOUBLE PRECISION),
                                  CAST((
                                    CAST(EXTRACT('epoch' FROM "t23"."period_end_at") - EXTRACT('epoch' FROM "t23"."period_start_at") AS DOUBLE PRECISION) / 86400
                                  ) AS DOUBLE PRECISION) / 30.4375
                                ) * 30.4375
                              )
                            ) AS DOUBLE PRECISION) / GREATEST(
                              CAST(EXTRACT('epoch' FROM "t23"."period_end_at") - EXTRACT('epoch' FROM "t23"."period_start_at") AS DOUBLE PRECISION) / 86400,
                              0.041666666666666664
                            )
                          )
                          ELSE CAST(COALESCE("t23"."amount_minor", 0) AS DOUBLE PRECISION)
                        END AS DOUBLE PRECISION) / COALESCE(
                          CASE
                            WHEN "t23"."price_interval" = 'day'
                            THEN 0.03287671232876712
                            WHEN "t23"."price_interval" = 'week'
                            THEN 0.23076923076923078
                            WHEN "t23"."price_interval" = 'month'
                            THEN 1.0
                            WHEN "t23"."price_interval" = 'year'
                            THEN 12.0
                            ELSE NULL
                          END * CAST(COALESCE("t23"."price_count", 1) AS DOUBLE PRECISION),
                          CAST((
                            CAST(EXTRACT('epoch' FROM "t23"."period_end_at") - EXTRACT('epoch' FROM "t23"."period_start_at") AS DOUBLE PRECISION) / 86400
                          ) AS DOUBLE PRECISION) / 30.4375
                        ) AS "_monthly_list",
                        GREATEST(
                          LEAST(
                            CASE
                              WHEN CAST(COALESCE("t23"."amount_minor", 0) AS DOUBLE PRECISION) = 0
                              THEN 0.0
                              ELSE CAST(COALESCE("t23"."discount_minor", 0) AS DOUBLE PRECISION) / ABS(CAST(COALESCE("t23"."amount_minor", 0) AS DOUBLE PRECISION))
                            END,
                            1.0
                          ),
                          0.0
                        ) AS "_share",
                        LEAST("t23"."period_end_at", COALESCE("t23"."stop_at", "t23"."period_end_at")) AS "_end_at"
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
                          "t22"."stop_at"
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
                            "t18"."customer_id",
                            "t18"."inv_currency",
                            "t18"."paid",
                            "t11"."price_id" AS "price_id_right",
                            "t11"."price_product",
                            "t11"."unit",
                            "t11"."price_interval",
                            "t11"."price_count",
                            "t11"."price_type",
                            "t11"."price_free",
                            "t19"."subscription_id" AS "subscription_id_right",
                            "t19"."stop_at"
                          FROM "invoice_lines" AS "t6"
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
                            ON "t6"."invoice_id" = "t18"."invoice_id"
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
                          ) AS "t11"
                            ON "t6"."price_id" = "t11"."price_id"
                          LEFT OUTER JOIN (
                            SELECT
                              "t5"."subscription_id",
                              COALESCE(
                                "t5"."ended_at",
                                CASE WHEN "t5"."status" = 'canceled' THEN "t5"."canceled_at" ELSE NULL END
                              ) AS "stop_at"
                            FROM "subscriptions" AS "t5"
                          ) AS "t19"
                            ON "t6"."subscription_id" = "t19"."subscription_id"
                        ) AS "t22"
                      ) AS "t23"
                      WHERE
                        "t23"."subscription_id" IS NOT NULL
                        AND (
                          (
                            "t23"."price_interval" IS NOT NULL
                          )
                          OR (
                            (
                              "t23"."price_type" IS NULL
                            ) AND (
                              "t23"."kind" = 'subscription'
                            )
                          )
                        )
                        AND "t23"."period_start_at" IS NOT NULL
                        AND "t23"."period_end_at" IS NOT NULL
                    ) AS "t33"
                    LEFT OUTER JOIN (
                      SELECT
                        "t35"."subscription_id",
                        "t35"."period_end_at",
                        MIN("t35"."period_start_at") AS "_anchor_at",
                        AVG("t35"."_share") AS "_anchor_share"
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
                          "t34"."stop_at",
                          "t34"."_proration",
                          "t34"."_monthly_list",
                          "t34"."_share",
                          "t34"."_end_at"
                        FROM (
                          SELECT
                            "t23"."line_id",
                            "t23"."invoice_id",
                            "t23"."subscription_id",
                            "t23"."subscription_item_id",
                            "t23"."price_id",
                            "t23"."kind",
                            "t23"."amount_minor",
                            "t23"."currency",
                            "t23"."quantity",
                            "t23"."discount_minor",
                            "t23"."tax_minor",
                            "t23"."proration",
                            "t23"."period_start_at",
                            "t23"."period_end_at",
                            "t23"."description",
                            "t23"."_version_at",
                            "t23"."customer_id",
                            "t23"."inv_currency",
                            "t23"."paid",
                            "t23"."price_product",
                            "t23"."unit",
                            "t23"."price_interval",
                            "t23"."price_count",
                            "t23"."price_type",
                            "t23"."price_free",
                            "t23"."stop_at",
                            COALESCE("t23"."proration", FALSE) AS "_proration",
                            CAST(CASE
                              WHEN COALESCE("t23"."proration", FALSE)
                              THEN SIGN(CAST(COALESCE("t23"."amount_minor", 0) AS DOUBLE PRECISION)) * COALESCE(
                                CAST("t23"."unit" * COALESCE("t23"."quantity", 1) AS DOUBLE PRECISION),
                                CAST((
                                  ABS(CAST(COALESCE("t23"."amount_minor", 0) AS DOUBLE PRECISION)) * (
                                    COALESCE(
                                      CASE
                                        WHEN "t23"."price_interval" = 'day'
                                        THEN 0.03287671232876712
                                        WHEN "t23"."price_interval" = 'week'
                                        THEN 0.23076923076923078
                                        WHEN "t23"."price_interval" = 'month'
                                        THEN 1.0
                                        WHEN "t23"."price_interval" = 'year'
                                        THEN 12.0
                                        ELSE NULL
                                      END * CAST(COALESCE("t23"."price_count", 1) AS DOUBLE PRECISION),
                                      CAST((
                                        CAST(EXTRACT('epoch' FROM "t23"."period_end_at") - EXTRACT('epoch' FROM "t23"."period_start_at") AS DOUBLE PRECISION) / 86400
                                      ) AS DOUBLE PRECISION) / 30.4375
                                    ) * 30.4375
                                  )
                                ) AS DOUBLE PRECISION) / GREATEST(
                                  CAST(EXTRACT('epoch' FROM "t23"."period_end_at") - EXTRACT('epoch' FROM "t23"."period_start_at") AS DOUBLE PRECISION) / 86400,
                                  0.041666666666666664
                                )
                              )
                              ELSE CAST(COALESCE("t23"."amount_minor", 0) AS DOUBLE PRECISION)
                            END AS DOUBLE PRECISION) / COALESCE(
                              CASE
                                WHEN "t23"."price_interval" = 'day'
                                THEN 0.03287671232876712
                                WHEN "t23"."price_interval" = 'week'
                                THEN 0.23076923076923078
                                WHEN "t23"."price_interval" = 'month'
                                THEN 1.0
                                WHEN "t23"."price_interval" = 'year'
                                THEN 12.0
                                ELSE NULL
                              END * CAST(COALESCE("t23"."price_count", 1) AS DOUBLE PRECISION),
                              CAST((
                                CAST(EXTRACT('epoch' FROM "t23"."period_end_at") - EXTRACT('epoch' FROM "t23"."period_start_at") AS DOUBLE PRECISION) / 86400
                              ) AS DOUBLE PRECISION) / 30.4375
                            ) AS "_monthly_list",
                            GREATEST(
                              LEAST(
                                CASE
                                  WHEN CAST(COALESCE("t23"."amount_minor", 0) AS DOUBLE PRECISION) = 0
                                  THEN 0.0
                                  ELSE CAST(COALESCE("t23"."discount_minor", 0) AS DOUBLE PRECISION) / ABS(CAST(COALESCE("t23"."amount_minor", 0) AS DOUBLE PRECISION))
                                END,
                                1.0
                              ),
                              0.0
                            ) AS "_share",
                            LEAST("t23"."period_end_at", COALESCE("t23"."stop_at", "t23"."period_end_at")) AS "_end_at"
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
                              "t22"."stop_at"
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
                                "t18"."customer_id",
                                "t18"."inv_currency",
                                "t18"."paid",
                                "t11"."price_id" AS "price_id_right",
                                "t11"."price_product",
                                "t11"."unit",
                                "t11"."price_interval",
                                "t11"."price_count",
                                "t11"."price_type",
                                "t11"."price_free",
                                "t19"."subscription_id" AS "subscription_id_right",
                                "t19"."stop_at"
                              FROM "invoice_lines" AS "t6"
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
                                ON "t6"."invoice_id" = "t18"."invoice_id"
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
                              ) AS "t11"
                                ON "t6"."price_id" = "t11"."price_id"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t5"."subscription_id",
                                  COALESCE(
                                    "t5"."ended_at",
                                    CASE WHEN "t5"."status" = 'canceled' THEN "t5"."canceled_at" ELSE NULL END
                                  ) AS "stop_at"
                                FROM "subscriptions" AS "t5"
                              ) AS "t19"
                                ON "t6"."subscription_id" = "t19"."subscription_id"
                            ) AS "t22"
                          ) AS "t23"
                          WHERE
                            "t23"."subscription_id" IS NOT NULL
                            AND (
                              (
                                "t23"."price_interval" IS NOT NULL
                              )
                              OR (
                                (
                                  "t23"."price_type" IS NULL
                                ) AND (
                                  "t23"."kind" = 'subscription'
                                )
                              )
                            )
                            AND "t23"."period_start_at" IS NOT NULL
                            AND "t23"."period_end_at" IS NOT NULL
                            AND NOT (
                              COALESCE("t23"."proration", FALSE)
                            )
                        ) AS "t34"
                        WHERE
                          EXISTS(
                            SELECT
                              1
                            FROM (
                              SELECT DISTINCT
                                "t23"."subscription_id",
                                "t23"."period_end_at"
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
                                  "t22"."stop_at"
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
                                    "t18"."customer_id",
                                    "t18"."inv_currency",
                                    "t18"."paid",
                                    "t11"."price_id" AS "price_id_right",
                                    "t11"."price_product",
                                    "t11"."unit",
                                    "t11"."price_interval",
                                    "t11"."price_count",
                                    "t11"."price_type",
                                    "t11"."price_free",
                                    "t19"."subscription_id" AS "subscription_id_right",
                                    "t19"."stop_at"
                                  FROM "invoice_lines" AS "t6"
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
                                    ON "t6"."invoice_id" = "t18"."invoice_id"
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
                                  ) AS "t11"
                                    ON "t6"."price_id" = "t11"."price_id"
                                  LEFT OUTER JOIN (
                                    SELECT
                                      "t5"."subscription_id",
                                      COALESCE(
                                        "t5"."ended_at",
                                        CASE WHEN "t5"."status" = 'canceled' THEN "t5"."canceled_at" ELSE NULL END
                                      ) AS "stop_at"
                                    FROM "subscriptions" AS "t5"
                                  ) AS "t19"
                                    ON "t6"."subscription_id" = "t19"."subscription_id"
                                ) AS "t22"
                              ) AS "t23"
                              WHERE
                                "t23"."subscription_id" IS NOT NULL
                                AND (
                                  (
                                    "t23"."price_interval" IS NOT NULL
                                  )
                                  OR (
                                    (
                                      "t23"."price_type" IS NULL
                                    ) AND (
                                      "t23"."kind" = 'subscription'
                                    )
                                  )
                                )
                                AND "t23"."period_start_at" IS NOT NULL
                                AND "t23"."period_end_at" IS NOT NULL
                                AND COALESCE("t23"."proration", FALSE)
                            ) AS "t26"
                            WHERE
                              "t34"."subscription_id" = "t26"."subscription_id"
                              AND "t34"."period_end_at" = "t26"."period_end_at"
                          )
                      ) AS "t35"
                      GROUP BY
                        1,
                        2
                    ) AS "t41"
                      ON "t33"."subscription_id" = "t41"."subscription_id"
                      AND "t33"."period_end_at" = "t41"."period_end_at"
                  ) AS "t46"
                ) AS "t47"
                WHERE
                  DATE("t47"."period_start_at") < DATE("t47"."_end_at")
              ) AS "t52"
              LEFT OUTER JOIN (
                SELECT
                  "t24"."currency",
                  "t24"."rate",
                  "t24"."valid_to",
                  CASE
                    WHEN "t24"."first"
                    THEN MAKE_DATE(CAST(1900 AS INT), CAST(1 AS INT), CAST(1 AS INT))
                    ELSE "t24"."rate_on"
                  END AS "valid_from"
                FROM (
                  SELECT
                    "t21"."currency",
                    "t21"."rate_on",
                    "t21"."rate",
                    LEAD("t21"."rate_on") OVER (
                      PARTITION BY "t21"."currency"
                      ORDER BY "t21"."rate_on" ASC
                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                    ) AS "valid_to",
                    (
                      ROW_NUMBER() OVER (
                        PARTITION BY "t21"."currency"
                        ORDER BY "t21"."rate_on" ASC
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
                    ) AS "t20"
                  ) AS "t21"
                ) AS "t24"
              ) AS "t28"
                ON "t52"."currency" = "t28"."currency"
                AND "t52"."fx_on" >= "t28"."valid_from"
                AND (
                  (
                    "t28"."valid_to" IS NULL
                  ) OR (
                    "t52"."fx_on" < "t28"."valid_to"
                  )
                )
            ) AS "t54"
            GROUP BY
              1
          ) AS "t56"
            ON "t53"."invoice_id" = "t56"."invoice_id"
        ) AS "t57"
      ) AS "t58"
      GROUP BY
        1
    ) AS "t60"
      ON "t45"."period" = "t60"."period"
  ) AS "t61"
) AS "t62"
ORDER BY
  "t62"."period" ASC;

-- the metric
SELECT
  *
FROM "ibis_memtable_0"
