-- run while the expression is built (1 of 1)
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
), "t22" AS (
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
)
SELECT
  "t56"."period",
  "t56"."trials",
  "t56"."decided",
  "t56"."converted",
  "t56"."median_days_to_convert",
  CASE
    WHEN "t56"."decided" > 0
    THEN CAST("t56"."converted" AS DOUBLE) / CAST("t56"."decided" AS DOUBLE)
    ELSE NULL
  END AS "conversion_rate"
FROM (
  SELECT
    "t55"."period",
    COUNT(*) AS "trials",
    SUM(CAST("t55"."decided" AS INT)) AS "decided",
    SUM(CAST("t55"."converted" AS INT)) AS "converted",
    QUANTILE_CONT("t55"."days", 0.5) AS "median_days_to_convert"
  FROM (
    SELECT
      "t54"."subscription_id",
      "t54"."customer_id",
      "t54"."status",
      "t54"."currency",
      "t54"."created_at",
      "t54"."started_at",
      "t54"."trial_start_at",
      "t54"."trial_end_at",
      "t54"."current_period_start_at",
      "t54"."current_period_end_at",
      "t54"."cancel_at_period_end",
      "t54"."cancel_at",
      "t54"."canceled_at",
      "t54"."ended_at",
      "t54"."cancellation_reason",
      "t54"."cancellation_feedback",
      "t54"."cancellation_comment",
      "t54"."coupon_id",
      "t54"."discount_start_at",
      "t54"."discount_end_at",
      "t54"."pause_behavior",
      "t54"."pause_resumes_at",
      "t54"."collection_method",
      "t54"."metadata",
      "t54"."_version_at",
      "t54"."subscription_id_right",
      "t54"."first_paid_on",
      DATE_TRUNC('MONTH', CAST("t54"."trial_start_at" AS DATE)) AS "period",
      (
        "t54"."first_paid_on" IS NOT NULL
      )
      AND (
        "t54"."first_paid_on" >= CAST("t54"."trial_start_at" AS DATE)
      ) AS "converted",
      (
        (
          "t54"."first_paid_on" IS NOT NULL
        )
        AND (
          "t54"."first_paid_on" >= CAST("t54"."trial_start_at" AS DATE)
        )
      )
      OR (
        (
          "t54"."trial_end_at" IS NOT NULL
        )
        AND (
          CAST("t54"."trial_end_at" AS DATE) <= MAKE_DATE(2026, 11, 1)
        )
      ) AS "decided",
      CASE
        WHEN (
          "t54"."first_paid_on" IS NOT NULL
        )
        AND (
          "t54"."first_paid_on" >= CAST("t54"."trial_start_at" AS DATE)
        )
        THEN CAST(DATE_DIFF('DAY', CAST("t54"."trial_start_at" AS DATE), "t54"."first_paid_on") AS DOUBLE)
        ELSE NULL
      END AS "days"
    FROM (
      SELECT
        "t20"."subscription_id",
        "t20"."customer_id",
        "t20"."status",
        "t20"."currency",
        "t20"."created_at",
        "t20"."started_at",
        "t20"."trial_start_at",
        "t20"."trial_end_at",
        "t20"."current_period_start_at",
        "t20"."current_period_end_at",
        "t20"."cancel_at_period_end",
        "t20"."cancel_at",
        "t20"."canceled_at",
        "t20"."ended_at",
        "t20"."cancellation_reason",
        "t20"."cancellation_feedback",
        "t20"."cancellation_comment",
        "t20"."coupon_id",
        "t20"."discount_start_at",
        "t20"."discount_end_at",
        "t20"."pause_behavior",
        "t20"."pause_resumes_at",
        "t20"."collection_method",
        "t20"."metadata",
        "t20"."_version_at",
        "t53"."subscription_id" AS "subscription_id_right",
        "t53"."first_paid_on"
      FROM (
        SELECT
          *
        FROM "subscriptions" AS "t0"
        WHERE
          "t0"."trial_start_at" IS NOT NULL
          AND CAST("t0"."trial_start_at" AS DATE) <= MAKE_DATE(2026, 11, 1)
      ) AS "t20"
      LEFT OUTER JOIN (
        SELECT
          "t51"."subscription_id",
          MIN("t51"."start_on") AS "first_paid_on"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t49"."line_id",
              "t49"."customer_id",
              "t49"."subscription_id",
              "t49"."invoice_id",
              "t49"."price_id",
              "t49"."product_id",
              "t49"."currency",
              "t49"."start_on",
              "t49"."end_on",
              "t49"."is_free",
              "t49"."paid",
              CAST(SIGN(
                "t49"."monthly_minor" * CASE WHEN "t49"."currency" = 'USD' THEN 1.0 ELSE "t37"."minor" END * 100
              ) * CAST(FLOOR(
                ABS(
                  "t49"."monthly_minor" * CASE WHEN "t49"."currency" = 'USD' THEN 1.0 ELSE "t37"."minor" END * 100
                ) + 0.5
              ) AS BIGINT) AS BIGINT) AS "units"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t46"."line_id",
                  "t46"."invoice_id",
                  "t46"."subscription_id",
                  "t46"."subscription_item_id",
                  "t46"."price_id",
                  "t46"."kind",
                  "t46"."amount_minor",
                  UPPER(COALESCE("t46"."currency", "t46"."inv_currency")) AS "currency",
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
                  "t46"."_proration",
                  "t46"."_share",
                  "t46"."stop_at",
                  "t46"."_monthly_list",
                  "t46"."_end_at",
                  "t46"."_anchor_at",
                  "t46"."_anchor_share",
                  CAST(CAST(MAKE_DATE(1970, 1, 1) + TO_DAYS(
                    CAST(FLOOR(
                      EPOCH(
                        CASE
                          WHEN "t46"."_proration"
                          THEN COALESCE("t46"."_anchor_at", "t46"."period_start_at")
                          ELSE "t46"."period_start_at"
                        END
                      ) / 86400
                    ) AS BIGINT)
                  ) AS TIMESTAMP) AS DATE) AS "fx_on",
                  CAST(CAST(MAKE_DATE(1970, 1, 1) + TO_DAYS(CAST(FLOOR(EPOCH("t46"."period_start_at") / 86400) AS BIGINT)) AS TIMESTAMP) AS DATE) AS "start_on",
                  CAST(CAST(MAKE_DATE(1970, 1, 1) + TO_DAYS(CAST(FLOOR(EPOCH("t46"."_end_at") / 86400) AS BIGINT)) AS TIMESTAMP) AS DATE) AS "end_on",
                  "t46"."_monthly_list" * (
                    1.0 - CASE
                      WHEN "t46"."_proration"
                      THEN COALESCE("t46"."_anchor_share", "t46"."_share")
                      ELSE "t46"."_share"
                    END
                  ) AS "monthly_minor",
                  COALESCE("t46"."price_free", FALSE) OR (
                    COALESCE("t46"."unit", -1) = 0
                  ) AS "is_free",
                  "t46"."price_product" AS "product_id"
                FROM (
                  SELECT
                    "t45".*
                    EXCLUDE ("period_end_at_right", "subscription_id_right")
                  FROM (
                    SELECT
                      "t44"."line_id",
                      "t44"."invoice_id",
                      "t44"."subscription_id",
                      "t44"."subscription_item_id",
                      "t44"."price_id",
                      "t44"."kind",
                      "t44"."amount_minor",
                      "t44"."currency",
                      "t44"."quantity",
                      "t44"."discount_minor",
                      "t44"."tax_minor",
                      "t44"."proration",
                      "t44"."period_start_at",
                      "t44"."period_end_at",
                      "t44"."description",
                      "t44"."_version_at",
                      "t44"."customer_id",
                      "t44"."inv_currency",
                      "t44"."paid",
                      "t44"."price_product",
                      "t44"."unit",
                      "t44"."price_interval",
                      "t44"."price_count",
                      "t44"."price_type",
                      "t44"."price_free",
                      "t44"."_proration",
                      "t44"."_share",
                      "t44"."stop_at",
                      "t44"."_monthly_list",
                      "t44"."_end_at",
                      "t40"."subscription_id" AS "subscription_id_right",
                      "t40"."period_end_at" AS "period_end_at_right",
                      "t40"."_anchor_at",
                      "t40"."_anchor_share"
                    FROM (
                      SELECT
                        "t42"."line_id",
                        "t42"."invoice_id",
                        "t42"."subscription_id",
                        "t42"."subscription_item_id",
                        "t42"."price_id",
                        "t42"."kind",
                        "t42"."amount_minor",
                        "t42"."currency",
                        "t42"."quantity",
                        "t42"."discount_minor",
                        "t42"."tax_minor",
                        "t42"."proration",
                        "t42"."period_start_at",
                        "t42"."period_end_at",
                        "t42"."description",
                        "t42"."_version_at",
                        "t42"."customer_id",
                        "t42"."inv_currency",
                        "t42"."paid",
                        "t42"."price_product",
                        "t42"."unit",
                        "t42"."price_interval",
                        "t42"."price_count",
                        "t42"."price_type",
                        "t42"."price_free",
                        "t42"."_proration",
                        "t42"."_share",
                        "t42"."stop_at",
                        CASE
                          WHEN "t42"."_proration"
                          THEN SIGN(CAST(COALESCE("t42"."amount_minor", 0) AS DOUBLE)) * COALESCE(
                            CAST("t42"."unit" * COALESCE("t42"."quantity", 1) AS DOUBLE),
                            (
                              ABS(CAST(COALESCE("t42"."amount_minor", 0) AS DOUBLE)) * (
                                COALESCE(
                                  CASE
                                    WHEN "t42"."price_interval" = 'day'
                                    THEN 0.03287671232876712
                                    WHEN "t42"."price_interval" = 'week'
                                    THEN 0.23076923076923078
                                    WHEN "t42"."price_interval" = 'month'
                                    THEN 1.0
                                    WHEN "t42"."price_interval" = 'year'
                                    THEN 12.0
                                    ELSE NULL
                                  END * CAST(COALESCE("t42"."price_count", 1) AS DOUBLE),
                                  (
                                    (
                                      EPOCH("t42"."period_end_at") - EPOCH("t42"."period_start_at")
                                    ) / 86400
                                  ) / 30.4375
                                ) * 30.4375
                              )
                            ) / GREATEST(
                              (
                                EPOCH("t42"."period_end_at") - EPOCH("t42"."period_start_at")
                              ) / 86400,
                              0.041666666666666664
                            )
                          )
                          ELSE CAST(COALESCE("t42"."amount_minor", 0) AS DOUBLE)
                        END / COALESCE(
                          CASE
                            WHEN "t42"."price_interval" = 'day'
                            THEN 0.03287671232876712
                            WHEN "t42"."price_interval" = 'week'
                            THEN 0.23076923076923078
                            WHEN "t42"."price_interval" = 'month'
                            THEN 1.0
                            WHEN "t42"."price_interval" = 'year'
                            THEN 12.0
                            ELSE NULL
                          END * CAST(COALESCE("t42"."price_count", 1) AS DOUBLE),
                          (
                            (
                              EPOCH("t42"."period_end_at") - EPOCH("t42"."period_start_at")
                            ) / 86400
                          ) / 30.4375
                        ) AS "_monthly_list",
                        LEAST("t42"."period_end_at", COALESCE("t42"."stop_at", "t42"."period_end_at")) AS "_end_at"
                      FROM (
                        SELECT
                          "t41".*
                          EXCLUDE ("subscription_id_right")
                        FROM (
                          SELECT
                            "t38"."line_id",
                            "t38"."invoice_id",
                            "t38"."subscription_id",
                            "t38"."subscription_item_id",
                            "t38"."price_id",
                            "t38"."kind",
                            "t38"."amount_minor",
                            "t38"."currency",
                            "t38"."quantity",
                            "t38"."discount_minor",
                            "t38"."tax_minor",
                            "t38"."proration",
                            "t38"."period_start_at",
                            "t38"."period_end_at",
                            "t38"."description",
                            "t38"."_version_at",
                            "t38"."customer_id",
                            "t38"."inv_currency",
                            "t38"."paid",
                            "t38"."price_product",
                            "t38"."unit",
                            "t38"."price_interval",
                            "t38"."price_count",
                            "t38"."price_type",
                            "t38"."price_free",
                            "t38"."_proration",
                            "t38"."_share",
                            "t23"."subscription_id" AS "subscription_id_right",
                            "t23"."stop_at"
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
                                    WHEN CAST(COALESCE("t32"."amount_minor", 0) AS DOUBLE) = 0
                                    THEN 0.0
                                    ELSE CAST(COALESCE("t32"."discount_minor", 0) AS DOUBLE) / ABS(CAST(COALESCE("t32"."amount_minor", 0) AS DOUBLE))
                                  END,
                                  1.0
                                ),
                                0.0
                              ) AS "_share"
                            FROM (
                              SELECT
                                "t30".*
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
                                FROM "invoice_lines" AS "t5"
                                INNER JOIN "t22" AS "t26"
                                  ON "t5"."invoice_id" = "t26"."invoice_id"
                                LEFT OUTER JOIN "t6" AS "t18"
                                  ON "t5"."price_id" = "t18"."price_id"
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
                          LEFT OUTER JOIN (
                            SELECT
                              "t0"."subscription_id",
                              COALESCE(
                                "t0"."ended_at",
                                CASE WHEN "t0"."status" = 'canceled' THEN "t0"."canceled_at" ELSE NULL END
                              ) AS "stop_at"
                            FROM "subscriptions" AS "t0"
                          ) AS "t23"
                            ON "t38"."subscription_id" = "t23"."subscription_id"
                        ) AS "t41"
                      ) AS "t42"
                    ) AS "t44"
                    LEFT OUTER JOIN (
                      SELECT
                        "t35"."subscription_id",
                        "t35"."period_end_at",
                        MIN("t35"."period_start_at") AS "_anchor_at",
                        AVG("t35"."_share") AS "_anchor_share"
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
                              "t25"."customer_id",
                              "t25"."inv_currency",
                              "t25"."paid",
                              "t17"."price_id" AS "price_id_right",
                              "t17"."price_product",
                              "t17"."unit",
                              "t17"."price_interval",
                              "t17"."price_count",
                              "t17"."price_type",
                              "t17"."price_free"
                            FROM (
                              SELECT
                                *
                              FROM "invoice_lines" AS "t2"
                              WHERE
                                NOT (
                                  COALESCE("t2"."proration", FALSE)
                                )
                            ) AS "t21"
                            SEMI JOIN (
                              SELECT DISTINCT
                                "t2"."subscription_id",
                                "t2"."period_end_at"
                              FROM "invoice_lines" AS "t2"
                              WHERE
                                COALESCE("t2"."proration", FALSE)
                            ) AS "t16"
                              ON "t21"."subscription_id" = "t16"."subscription_id"
                              AND "t21"."period_end_at" = "t16"."period_end_at"
                            INNER JOIN "t22" AS "t25"
                              ON "t21"."invoice_id" = "t25"."invoice_id"
                            LEFT OUTER JOIN "t6" AS "t17"
                              ON "t21"."price_id" = "t17"."price_id"
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
                      ) AS "t35"
                      GROUP BY
                        1,
                        2
                    ) AS "t40"
                      ON "t44"."subscription_id" = "t40"."subscription_id"
                      AND "t44"."period_end_at" = "t40"."period_end_at"
                  ) AS "t45"
                ) AS "t46"
              ) AS "t47"
              WHERE
                "t47"."start_on" < "t47"."end_on"
            ) AS "t49"
            LEFT OUTER JOIN (
              SELECT
                "t33"."currency",
                "t33"."rate",
                "t33"."valid_to",
                CASE WHEN "t33"."first" THEN MAKE_DATE(1900, 1, 1) ELSE "t33"."rate_on" END AS "valid_from",
                CASE
                  WHEN "t33"."currency" = 'USD'
                  THEN 1.0
                  ELSE "t33"."rate" * CASE
                    WHEN "t33"."currency" IN (
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
                    WHEN "t33"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
                    THEN 0.1
                    ELSE 1.0
                  END
                END AS "minor"
              FROM (
                SELECT
                  "t28"."currency",
                  "t28"."rate_on",
                  "t28"."rate",
                  LEAD("t28"."rate_on") OVER (
                    PARTITION BY "t28"."currency"
                    ORDER BY "t28"."rate_on" ASC
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                  ) AS "valid_to",
                  (
                    ROW_NUMBER() OVER (
                      PARTITION BY "t28"."currency"
                      ORDER BY "t28"."rate_on" ASC
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
                      "t13"."currency",
                      "t13"."rate_on",
                      "t13"."rate"
                    FROM (
                      SELECT
                        "t1"."quote_currency" AS "currency",
                        "t1"."rate_on",
                        1.0 / "t1"."rate" AS "rate"
                      FROM "fx_rates" AS "t1"
                      WHERE
                        "t1"."currency" = 'USD' AND "t1"."rate" > 0
                    ) AS "t13"
                    ANTI JOIN (
                      SELECT DISTINCT
                        "t1"."currency"
                      FROM "fx_rates" AS "t1"
                      WHERE
                        "t1"."quote_currency" = 'USD'
                    ) AS "t14"
                      ON "t13"."currency" = "t14"."currency"
                  ) AS "t27"
                ) AS "t28"
              ) AS "t33"
            ) AS "t37"
              ON "t49"."currency" = "t37"."currency"
              AND "t49"."fx_on" >= "t37"."valid_from"
              AND (
                (
                  "t37"."valid_to" IS NULL
                ) OR (
                  "t49"."fx_on" < "t37"."valid_to"
                )
              )
          ) AS "t50"
          WHERE
            "t50"."units" > 0 AND "t50"."start_on" <= MAKE_DATE(2026, 11, 1)
        ) AS "t51"
        GROUP BY
          1
      ) AS "t53"
        ON "t20"."subscription_id" = "t53"."subscription_id"
    ) AS "t54"
  ) AS "t55"
  GROUP BY
    1
) AS "t56"
ORDER BY
  "t56"."period" ASC;

-- the metric
SELECT
  *
FROM "ibis_memtable_0"
