-- run while the expression is built (1 of 1)
SELECT
  MIN("t0"."period_start_at") AS "Min(period_start_at)"
FROM "invoice_lines_versions" AS "t0";

-- the metric
WITH "t12" AS (
  SELECT
    "t7"."price_id",
    "t7"."product_id" AS "price_product",
    "t7"."amount_minor" AS "unit",
    "t7"."interval" AS "price_interval",
    "t7"."interval_count" AS "price_count",
    "t7"."type" AS "price_type",
    "t7"."is_free" AS "price_free"
  FROM "prices" AS "t7"
), "t55" AS (
  SELECT
    "t54"."line_id",
    "t54"."customer_id",
    "t54"."subscription_id",
    "t54"."invoice_id",
    "t54"."price_id",
    "t54"."product_id",
    "t54"."currency",
    "t54"."start_on",
    "t54"."end_on",
    "t54"."is_free",
    "t54"."paid",
    CAST(SIGN(
      "t54"."monthly_minor" * CASE WHEN "t54"."currency" = 'USD' THEN 1.0 ELSE "t43"."minor" END * 100
    ) * CAST(FLOOR(
      ABS(
        "t54"."monthly_minor" * CASE WHEN "t54"."currency" = 'USD' THEN 1.0 ELSE "t43"."minor" END * 100
      ) + 0.5
    ) AS BIGINT) AS BIGINT) AS "units"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t51"."line_id",
        "t51"."invoice_id",
        "t51"."subscription_id",
        "t51"."subscription_item_id",
        "t51"."price_id",
        "t51"."kind",
        "t51"."amount_minor",
        UPPER(COALESCE("t51"."currency", "t51"."inv_currency")) AS "currency",
        "t51"."quantity",
        "t51"."discount_minor",
        "t51"."tax_minor",
        "t51"."proration",
        "t51"."period_start_at",
        "t51"."period_end_at",
        "t51"."description",
        "t51"."_version_at",
        "t51"."customer_id",
        "t51"."inv_currency",
        "t51"."paid",
        "t51"."price_product",
        "t51"."unit",
        "t51"."price_interval",
        "t51"."price_count",
        "t51"."price_type",
        "t51"."price_free",
        "t51"."_proration",
        "t51"."_share",
        "t51"."stop_at",
        "t51"."_monthly_list",
        "t51"."_end_at",
        "t51"."_anchor_at",
        "t51"."_anchor_share",
        CAST(CAST(MAKE_DATE(1970, 1, 1) + TO_DAYS(
          CAST(FLOOR(
            EPOCH(
              CASE
                WHEN "t51"."_proration"
                THEN COALESCE("t51"."_anchor_at", "t51"."period_start_at")
                ELSE "t51"."period_start_at"
              END
            ) / 86400
          ) AS BIGINT)
        ) AS TIMESTAMP) AS DATE) AS "fx_on",
        CAST(CAST(MAKE_DATE(1970, 1, 1) + TO_DAYS(CAST(FLOOR(EPOCH("t51"."period_start_at") / 86400) AS BIGINT)) AS TIMESTAMP) AS DATE) AS "start_on",
        CAST(CAST(MAKE_DATE(1970, 1, 1) + TO_DAYS(CAST(FLOOR(EPOCH("t51"."_end_at") / 86400) AS BIGINT)) AS TIMESTAMP) AS DATE) AS "end_on",
        "t51"."_monthly_list" * (
          1.0 - CASE
            WHEN "t51"."_proration"
            THEN COALESCE("t51"."_anchor_share", "t51"."_share")
            ELSE "t51"."_share"
          END
        ) AS "monthly_minor",
        COALESCE("t51"."price_free", FALSE) OR (
          COALESCE("t51"."unit", -1) = 0
        ) AS "is_free",
        "t51"."price_product" AS "product_id"
      FROM (
        SELECT
          "t50".*
          EXCLUDE ("period_end_at_right", "subscription_id_right")
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
            "t49"."_monthly_list",
            "t49"."_end_at",
            "t45"."subscription_id" AS "subscription_id_right",
            "t45"."period_end_at" AS "period_end_at_right",
            "t45"."_anchor_at",
            "t45"."_anchor_share"
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
              "t47"."stop_at",
              CASE
                WHEN "t47"."_proration"
                THEN SIGN(CAST(COALESCE("t47"."amount_minor", 0) AS DOUBLE)) * COALESCE(
                  CAST("t47"."unit" * COALESCE("t47"."quantity", 1) AS DOUBLE),
                  (
                    ABS(CAST(COALESCE("t47"."amount_minor", 0) AS DOUBLE)) * (
                      COALESCE(
                        CASE
                          WHEN "t47"."price_interval" = 'day'
                          THEN 0.03287671232876712
                          WHEN "t47"."price_interval" = 'week'
                          THEN 0.23076923076923078
                          WHEN "t47"."price_interval" = 'month'
                          THEN 1.0
                          WHEN "t47"."price_interval" = 'year'
                          THEN 12.0
                          ELSE NULL
                        END * CAST(COALESCE("t47"."price_count", 1) AS DOUBLE),
                        (
                          (
                            EPOCH("t47"."period_end_at") - EPOCH("t47"."period_start_at")
                          ) / 86400
                        ) / 30.4375
                      ) * 30.4375
                    )
                  ) / GREATEST(
                    (
                      EPOCH("t47"."period_end_at") - EPOCH("t47"."period_start_at")
                    ) / 86400,
                    0.041666666666666664
                  )
                )
                ELSE CAST(COALESCE("t47"."amount_minor", 0) AS DOUBLE)
              END / COALESCE(
                CASE
                  WHEN "t47"."price_interval" = 'day'
                  THEN 0.03287671232876712
                  WHEN "t47"."price_interval" = 'week'
                  THEN 0.23076923076923078
                  WHEN "t47"."price_interval" = 'month'
                  THEN 1.0
                  WHEN "t47"."price_interval" = 'year'
                  THEN 12.0
                  ELSE NULL
                END * CAST(COALESCE("t47"."price_count", 1) AS DOUBLE),
                (
                  (
                    EPOCH("t47"."period_end_at") - EPOCH("t47"."period_start_at")
                  ) / 86400
                ) / 30.4375
              ) AS "_monthly_list",
              LEAST("t47"."period_end_at", COALESCE("t47"."stop_at", "t47"."period_end_at")) AS "_end_at"
            FROM (
              SELECT
                "t46".*
                EXCLUDE ("subscription_id_right")
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
                  "t33"."subscription_id" AS "subscription_id_right",
                  "t33"."stop_at"
                FROM (
                  SELECT
                    "t37"."line_id",
                    "t37"."invoice_id",
                    "t37"."subscription_id",
                    "t37"."subscription_item_id",
                    "t37"."price_id",
                    "t37"."kind",
                    "t37"."amount_minor",
                    "t37"."currency",
                    "t37"."quantity",
                    "t37"."discount_minor",
                    "t37"."tax_minor",
                    "t37"."proration",
                    "t37"."period_start_at",
                    "t37"."period_end_at",
                    "t37"."description",
                    "t37"."_version_at",
                    "t37"."customer_id",
                    "t37"."inv_currency",
                    "t37"."paid",
                    "t37"."price_product",
                    "t37"."unit",
                    "t37"."price_interval",
                    "t37"."price_count",
                    "t37"."price_type",
                    "t37"."price_free",
                    COALESCE("t37"."proration", FALSE) AS "_proration",
                    GREATEST(
                      LEAST(
                        CASE
                          WHEN CAST(COALESCE("t37"."amount_minor", 0) AS DOUBLE) = 0
                          THEN 0.0
                          ELSE CAST(COALESCE("t37"."discount_minor", 0) AS DOUBLE) / ABS(CAST(COALESCE("t37"."amount_minor", 0) AS DOUBLE))
                        END,
                        1.0
                      ),
                      0.0
                    ) AS "_share"
                  FROM (
                    SELECT
                      "t35".*
                      EXCLUDE ("price_id_right")
                    FROM (
                      SELECT
                        "t11"."line_id",
                        "t11"."invoice_id",
                        "t11"."subscription_id",
                        "t11"."subscription_item_id",
                        "t11"."price_id",
                        "t11"."kind",
                        "t11"."amount_minor",
                        "t11"."currency",
                        "t11"."quantity",
                        "t11"."discount_minor",
                        "t11"."tax_minor",
                        "t11"."proration",
                        "t11"."period_start_at",
                        "t11"."period_end_at",
                        "t11"."description",
                        "t11"."_version_at",
                        "t29"."customer_id",
                        "t29"."inv_currency",
                        "t29"."paid",
                        "t23"."price_id" AS "price_id_right",
                        "t23"."price_product",
                        "t23"."unit",
                        "t23"."price_interval",
                        "t23"."price_count",
                        "t23"."price_type",
                        "t23"."price_free"
                      FROM "invoice_lines" AS "t11"
                      INNER JOIN (
                        SELECT
                          "t6"."invoice_id",
                          "t6"."customer_id",
                          "t6"."currency" AS "inv_currency",
                          "t6"."status" = 'paid' AS "paid"
                        FROM "invoices" AS "t6"
                        WHERE
                          (
                            "t6"."status" IS NULL
                          ) OR NOT (
                            "t6"."status" IN ('void', 'draft')
                          )
                      ) AS "t29"
                        ON "t11"."invoice_id" = "t29"."invoice_id"
                      LEFT OUTER JOIN "t12" AS "t23"
                        ON "t11"."price_id" = "t23"."price_id"
                    ) AS "t35"
                  ) AS "t37"
                  WHERE
                    "t37"."subscription_id" IS NOT NULL
                    AND (
                      (
                        "t37"."price_interval" IS NOT NULL
                      )
                      OR (
                        (
                          "t37"."price_type" IS NULL
                        ) AND (
                          "t37"."kind" = 'subscription'
                        )
                      )
                    )
                    AND "t37"."period_start_at" IS NOT NULL
                    AND "t37"."period_end_at" IS NOT NULL
                ) AS "t42"
                LEFT OUTER JOIN (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t4"."subscription_id",
                      COALESCE(
                        "t4"."ended_at",
                        CASE WHEN "t4"."status" = 'canceled' THEN "t4"."canceled_at" ELSE NULL END
                      ) AS "stop_at"
                    FROM "subscriptions" AS "t4"
                  ) AS "t24"
                  WHERE
                    "t24"."stop_at" IS NOT NULL
                ) AS "t33"
                  ON "t42"."subscription_id" = "t33"."subscription_id"
              ) AS "t46"
            ) AS "t47"
          ) AS "t49"
          LEFT OUTER JOIN (
            SELECT
              "t39"."subscription_id",
              "t39"."period_end_at",
              MIN("t39"."period_start_at") AS "_anchor_at",
              AVG("t39"."_share") AS "_anchor_share"
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
                "t36"."price_product",
                "t36"."unit",
                "t36"."price_interval",
                "t36"."price_count",
                "t36"."price_type",
                "t36"."price_free",
                COALESCE("t36"."proration", FALSE) AS "_proration",
                GREATEST(
                  LEAST(
                    CASE
                      WHEN CAST(COALESCE("t36"."amount_minor", 0) AS DOUBLE) = 0
                      THEN 0.0
                      ELSE CAST(COALESCE("t36"."discount_minor", 0) AS DOUBLE) / ABS(CAST(COALESCE("t36"."amount_minor", 0) AS DOUBLE))
                    END,
                    1.0
                  ),
                  0.0
                ) AS "_share"
              FROM (
                SELECT
                  "t34".*
                  EXCLUDE ("price_id_right")
                FROM (
                  SELECT
                    "t25"."line_id",
                    "t25"."invoice_id",
                    "t25"."subscription_id",
                    "t25"."subscription_item_id",
                    "t25"."price_id",
                    "t25"."kind",
                    "t25"."amount_minor",
                    "t25"."currency",
                    "t25"."quantity",
                    "t25"."discount_minor",
                    "t25"."tax_minor",
                    "t25"."proration",
                    "t25"."period_start_at",
                    "t25"."period_end_at",
                    "t25"."description",
                    "t25"."_version_at",
                    "t22"."price_id" AS "price_id_right",
                    "t22"."price_product",
                    "t22"."unit",
                    "t22"."price_interval",
                    "t22"."price_count",
                    "t22"."price_type",
                    "t22"."price_free"
                  FROM (
                    SELECT
                      *
                    FROM "invoice_lines" AS "t5"
                    WHERE
                      NOT (
                        COALESCE("t5"."proration", FALSE)
                      )
                  ) AS "t25"
                  SEMI JOIN (
                    SELECT DISTINCT
                      "t5"."subscription_id",
                      "t5"."period_end_at"
                    FROM "invoice_lines" AS "t5"
                    WHERE
                      COALESCE("t5"."proration", FALSE)
                  ) AS "t21"
                    ON "t25"."subscription_id" = "t21"."subscription_id"
                    AND "t25"."period_end_at" = "t21"."period_end_at"
                  SEMI JOIN (
                    SELECT
                      "t6"."invoice_id"
                    FROM "invoices" AS "t6"
                    WHERE
                      (
                        "t6"."status" IS NULL
                      ) OR NOT (
                        "t6"."status" IN ('void', 'draft')
                      )
                  ) AS "t28"
                    ON "t25"."invoice_id" = "t28"."invoice_id"
                  LEFT OUTER JOIN "t12" AS "t22"
                    ON "t25"."price_id" = "t22"."price_id"
                ) AS "t34"
              ) AS "t36"
              WHERE
                "t36"."subscription_id" IS NOT NULL
                AND (
                  (
                    "t36"."price_interval" IS NOT NULL
                  )
                  OR (
                    (
                      "t36"."price_type" IS NULL
                    ) AND (
                      "t36"."kind" = 'subscription'
                    )
                  )
                )
                AND "t36"."period_start_at" IS NOT NULL
                AND "t36"."period_end_at" IS NOT NULL
            ) AS "t39"
            GROUP BY
              1,
              2
          ) AS "t45"
            ON "t49"."subscription_id" = "t45"."subscription_id"
            AND "t49"."period_end_at" = "t45"."period_end_at"
        ) AS "t50"
      ) AS "t51"
    ) AS "t52"
    WHERE
      "t52"."start_on" < "t52"."end_on"
  ) AS "t54"
  LEFT OUTER JOIN (
    SELECT
      "t38"."currency",
      "t38"."rate",
      COALESCE("t38"."valid_to", MAKE_DATE(9999, 12, 31)) AS "valid_to",
      CASE WHEN "t38"."first" THEN MAKE_DATE(1900, 1, 1) ELSE "t38"."rate_on" END AS "valid_from",
      CASE
        WHEN "t38"."currency" = 'USD'
        THEN 1.0
        ELSE "t38"."rate" * CASE
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
      END AS "minor"
    FROM (
      SELECT
        "t32"."currency",
        "t32"."rate_on",
        "t32"."rate",
        LEAD("t32"."rate_on") OVER (
          PARTITION BY "t32"."currency"
          ORDER BY "t32"."rate_on" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS "valid_to",
        (
          ROW_NUMBER() OVER (
            PARTITION BY "t32"."currency"
            ORDER BY "t32"."rate_on" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) - 1
        ) = 0 AS "first"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t3"."currency",
            "t3"."rate_on",
            "t3"."rate"
          FROM "fx_rates" AS "t3"
          WHERE
            "t3"."quote_currency" = 'USD'
        ) AS "t14"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            "t18"."currency",
            "t18"."rate_on",
            "t18"."rate"
          FROM (
            SELECT
              "t3"."quote_currency" AS "currency",
              "t3"."rate_on",
              1.0 / "t3"."rate" AS "rate"
            FROM "fx_rates" AS "t3"
            WHERE
              "t3"."currency" = 'USD' AND "t3"."rate" > 0
          ) AS "t18"
          ANTI JOIN (
            SELECT DISTINCT
              "t3"."currency"
            FROM "fx_rates" AS "t3"
            WHERE
              "t3"."quote_currency" = 'USD'
          ) AS "t19"
            ON "t18"."currency" = "t19"."currency"
        ) AS "t30"
      ) AS "t32"
    ) AS "t38"
  ) AS "t43"
    ON "t54"."currency" = "t43"."currency"
    AND "t54"."fx_on" >= "t43"."valid_from"
    AND "t54"."fx_on" < "t43"."valid_to"
), "t65" AS (
  SELECT
    "t64"."customer_id",
    "t64"."day",
    "t64"."delta",
    "t64"."after",
    "t64"."until",
    "t64"."before",
    "t64"."total_before",
    "t64"."total_after",
    MIN(
      CASE
        WHEN (
          "t64"."total_before" <= 0
        ) AND (
          "t64"."total_after" > 0
        )
        THEN "t64"."day"
        ELSE NULL
      END
    ) OVER (
      PARTITION BY "t64"."customer_id"
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "first_on"
  FROM (
    SELECT
      "t63"."customer_id",
      "t63"."day",
      "t63"."delta",
      "t63"."after",
      "t63"."until",
      "t63"."after" - "t63"."delta" AS "before",
      "t63"."after" - "t63"."delta" AS "total_before",
      "t63"."after" AS "total_after"
    FROM (
      SELECT
        "t62"."customer_id",
        "t62"."day",
        "t62"."delta",
        SUM("t62"."delta") OVER (
          PARTITION BY "t62"."customer_id"
          ORDER BY "t62"."day" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS "after",
        LEAD("t62"."day") OVER (
          PARTITION BY "t62"."customer_id"
          ORDER BY "t62"."day" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS "until"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t60"."customer_id",
            "t60"."day",
            SUM("t60"."delta") AS "delta"
          FROM (
            SELECT
              *
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t56"."customer_id",
                  "t56"."start_on" AS "day",
                  "t56"."units" AS "delta"
                FROM "t55" AS "t56"
                WHERE
                  "t56"."units" <> 0
              ) AS "t57"
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  "t56"."customer_id",
                  "t56"."end_on" AS "day",
                  -(
                    "t56"."units"
                  ) AS "delta"
                FROM "t55" AS "t56"
                WHERE
                  "t56"."units" <> 0
              ) AS "t58"
            ) AS "t59"
            WHERE
              "t59"."day" <= MAKE_DATE(2026, 11, 1)
          ) AS "t60"
          GROUP BY
            1,
            2
        ) AS "t61"
        WHERE
          "t61"."delta" <> 0
      ) AS "t62"
    ) AS "t63"
  ) AS "t64"
)
SELECT
  "t88"."period_label" AS "period",
  "t88"."group",
  CAST("t88"."mrr_u" AS DOUBLE) / 10000 AS "mrr",
  CAST("t88"."mrr_u" * 12 AS DOUBLE) / 10000 AS "arr",
  CAST("t88"."mrr_start_u" AS DOUBLE) / 10000 AS "mrr_start",
  CAST("t88"."new" AS DOUBLE) / 10000 AS "new",
  CAST("t88"."expansion" AS DOUBLE) / 10000 AS "expansion",
  CAST("t88"."contraction" AS DOUBLE) / 10000 AS "contraction",
  CAST("t88"."churn" AS DOUBLE) / 10000 AS "churn",
  CAST("t88"."reactivation" AS DOUBLE) / 10000 AS "reactivation",
  CAST("t88"."net" AS DOUBLE) / 10000 AS "net_new_mrr",
  "t88"."customers",
  "t88"."customers_start",
  "t88"."new_customers",
  "t88"."reactivated_customers",
  "t88"."churned_customers",
  "t88"."arpa",
  "t88"."customer_churn_rate",
  "t88"."gross_mrr_churn_rate",
  "t88"."net_mrr_churn_rate",
  "t88"."nrr",
  "t88"."grr",
  "t88"."nrr_ttm",
  "t88"."grr_ttm",
  "t88"."retention_rate",
  "t88"."ltv"
FROM (
  SELECT
    "t87"."group",
    "t87"."period",
    "t87"."period_end",
    "t87"."period_label",
    "t87"."new",
    "t87"."expansion",
    "t87"."contraction",
    "t87"."churn",
    "t87"."reactivation",
    "t87"."net",
    "t87"."logo_change",
    "t87"."new_customers",
    "t87"."reactivated_customers",
    "t87"."churned_customers",
    "t87"."mrr_u",
    "t87"."customers",
    "t87"."mrr_start_u",
    "t87"."customers_start",
    "t87"."arpa",
    "t87"."customer_churn_rate",
    "t87"."gross_mrr_churn_rate",
    "t87"."net_mrr_churn_rate",
    "t87"."nrr",
    "t87"."grr",
    "t87"."retention_rate",
    "t87"."ltv",
    "t87"."nrr_ttm",
    "t87"."grr_ttm",
    MIN(
      CASE
        WHEN (
          "t87"."net" <> 0
        ) OR (
          "t87"."logo_change" <> 0
        )
        THEN "t87"."period"
        ELSE NULL
      END
    ) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "_first"
  FROM (
    SELECT
      "t86".*
      EXCLUDE ("group_right", "period_right")
    FROM (
      SELECT
        "t85"."group",
        "t85"."period",
        "t85"."period_end",
        "t85"."period_label",
        "t85"."new",
        "t85"."expansion",
        "t85"."contraction",
        "t85"."churn",
        "t85"."reactivation",
        "t85"."net",
        "t85"."logo_change",
        "t85"."new_customers",
        "t85"."reactivated_customers",
        "t85"."churned_customers",
        "t85"."mrr_u",
        "t85"."customers",
        "t85"."mrr_start_u",
        "t85"."customers_start",
        "t85"."arpa",
        "t85"."customer_churn_rate",
        "t85"."gross_mrr_churn_rate",
        "t85"."net_mrr_churn_rate",
        "t85"."nrr",
        "t85"."grr",
        "t85"."retention_rate",
        "t85"."ltv",
        "t79"."group" AS "group_right",
        "t79"."period" AS "period_right",
        "t79"."nrr_ttm",
        "t79"."grr_ttm"
      FROM (
        SELECT
          "t83"."group",
          "t83"."period",
          "t83"."period_end",
          "t83"."period_label",
          "t83"."new",
          "t83"."expansion",
          "t83"."contraction",
          "t83"."churn",
          "t83"."reactivation",
          "t83"."net",
          "t83"."logo_change",
          "t83"."new_customers",
          "t83"."reactivated_customers",
          "t83"."churned_customers",
          "t83"."mrr_u",
          "t83"."customers",
          "t83"."mrr_start_u",
          "t83"."customers_start",
          "t83"."arpa",
          "t83"."customer_churn_rate",
          "t83"."gross_mrr_churn_rate",
          "t83"."net_mrr_churn_rate",
          "t83"."nrr",
          "t83"."grr",
          "t83"."retention_rate",
          CASE
            WHEN (
              AVG("t83"."customer_churn_rate") OVER (
                PARTITION BY "t83"."group"
                ORDER BY "t83"."period" ASC
                ROWS BETWEEN 5 preceding AND CURRENT ROW
              ) / 1
            ) > 0
            THEN (
              "t83"."arpa" * 1.0
            ) / (
              AVG("t83"."customer_churn_rate") OVER (
                PARTITION BY "t83"."group"
                ORDER BY "t83"."period" ASC
                ROWS BETWEEN 5 preceding AND CURRENT ROW
              ) / 1
            )
            ELSE NULL
          END AS "ltv"
        FROM (
          SELECT
            "t82"."group",
            "t82"."period",
            "t82"."period_end",
            "t82"."period_label",
            "t82"."new",
            "t82"."expansion",
            "t82"."contraction",
            "t82"."churn",
            "t82"."reactivation",
            "t82"."net",
            "t82"."logo_change",
            "t82"."new_customers",
            "t82"."reactivated_customers",
            "t82"."churned_customers",
            "t82"."mrr_u",
            "t82"."customers",
            "t82"."mrr_start_u",
            "t82"."customers_start",
            CASE
              WHEN "t82"."customers" > 0
              THEN (
                CAST("t82"."mrr_u" AS DOUBLE) / 10000
              ) / "t82"."customers"
              ELSE NULL
            END AS "arpa",
            CASE
              WHEN "t82"."customers_start" > 0
              THEN CAST("t82"."churned_customers" AS DOUBLE) / CAST("t82"."customers_start" AS DOUBLE)
              ELSE NULL
            END AS "customer_churn_rate",
            CASE
              WHEN "t82"."mrr_start_u" > 0
              THEN CAST("t82"."churn" + "t82"."contraction" AS DOUBLE) / CAST("t82"."mrr_start_u" AS DOUBLE)
              ELSE NULL
            END AS "gross_mrr_churn_rate",
            CASE
              WHEN "t82"."mrr_start_u" > 0
              THEN CAST((
                (
                  "t82"."churn" + "t82"."contraction"
                ) - "t82"."expansion"
              ) - "t82"."reactivation" AS DOUBLE) / CAST("t82"."mrr_start_u" AS DOUBLE)
              ELSE NULL
            END AS "net_mrr_churn_rate",
            CASE
              WHEN "t82"."mrr_start_u" > 0
              THEN CAST("t82"."mrr_start_u" - (
                (
                  (
                    "t82"."churn" + "t82"."contraction"
                  ) - "t82"."expansion"
                ) - "t82"."reactivation"
              ) AS DOUBLE) / CAST("t82"."mrr_start_u" AS DOUBLE)
              ELSE NULL
            END AS "nrr",
            CASE
              WHEN "t82"."mrr_start_u" > 0
              THEN CAST("t82"."mrr_start_u" - (
                "t82"."churn" + "t82"."contraction"
              ) AS DOUBLE) / CAST("t82"."mrr_start_u" AS DOUBLE)
              ELSE NULL
            END AS "grr",
            CASE
              WHEN "t82"."customers_start" > 0
              THEN CAST((
                "t82"."customers" - "t82"."new_customers"
              ) - "t82"."reactivated_customers" AS DOUBLE) / CAST("t82"."customers_start" AS DOUBLE)
              ELSE NULL
            END AS "retention_rate"
          FROM (
            SELECT
              "t81"."group",
              "t81"."period",
              "t81"."period_end",
              "t81"."period_label",
              "t81"."new",
              "t81"."expansion",
              "t81"."contraction",
              "t81"."churn",
              "t81"."reactivation",
              "t81"."net",
              "t81"."logo_change",
              "t81"."new_customers",
              "t81"."reactivated_customers",
              "t81"."churned_customers",
              "t81"."mrr_u",
              "t81"."customers",
              "t81"."mrr_u" - "t81"."net" AS "mrr_start_u",
              "t81"."customers" - "t81"."logo_change" AS "customers_start"
            FROM (
              SELECT
                "t80"."group",
                "t80"."period",
                "t80"."period_end",
                "t80"."period_label",
                "t80"."new",
                "t80"."expansion",
                "t80"."contraction",
                "t80"."churn",
                "t80"."reactivation",
                "t80"."net",
                "t80"."logo_change",
                "t80"."new_customers",
                "t80"."reactivated_customers",
                "t80"."churned_customers",
                SUM("t80"."net") OVER (
                  PARTITION BY "t80"."group"
                  ORDER BY "t80"."period" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS "mrr_u",
                SUM("t80"."logo_change") OVER (
                  PARTITION BY "t80"."group"
                  ORDER BY "t80"."period" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS "customers"
              FROM (
                SELECT
                  "t78"."group",
                  "t78"."period",
                  "t78"."period_end",
                  "t78"."period_label",
                  COALESCE("t78"."new", 0) AS "new",
                  COALESCE("t78"."expansion", 0) AS "expansion",
                  COALESCE("t78"."contraction", 0) AS "contraction",
                  COALESCE("t78"."churn", 0) AS "churn",
                  COALESCE("t78"."reactivation", 0) AS "reactivation",
                  COALESCE("t78"."net", 0) AS "net",
                  COALESCE("t78"."logo_change", 0) AS "logo_change",
                  COALESCE("t78"."new_customers", 0) AS "new_customers",
                  COALESCE("t78"."reactivated_customers", 0) AS "reactivated_customers",
                  COALESCE("t78"."churned_customers", 0) AS "churned_customers"
                FROM (
                  SELECT
                    "t76".*
                    EXCLUDE ("group_right", "period_right")
                  FROM (
                    SELECT
                      "t9"."group",
                      "t10"."period",
                      "t10"."period_end",
                      "t10"."period_label",
                      "t75"."group" AS "group_right",
                      "t75"."period" AS "period_right",
                      "t75"."new",
                      "t75"."expansion",
                      "t75"."contraction",
                      "t75"."churn",
                      "t75"."reactivation",
                      "t75"."net",
                      "t75"."logo_change",
                      "t75"."new_customers",
                      "t75"."reactivated_customers",
                      "t75"."churned_customers"
                    FROM "ibis_memtable_0" AS "t9"
                    CROSS JOIN "ibis_memtable_1" AS "t10"
                    LEFT OUTER JOIN (
                      SELECT
                        "t71"."group",
                        "t71"."period",
                        COALESCE(SUM(ABS("t71"."delta")) FILTER(WHERE
                          "t71"."movement" = 'new'), 0) AS "new",
                        COALESCE(SUM(ABS("t71"."delta")) FILTER(WHERE
                          "t71"."movement" = 'expansion'), 0) AS "expansion",
                        COALESCE(SUM(ABS("t71"."delta")) FILTER(WHERE
                          "t71"."movement" = 'contraction'), 0) AS "contraction",
                        COALESCE(SUM(ABS("t71"."delta")) FILTER(WHERE
                          "t71"."movement" = 'churn'), 0) AS "churn",
                        COALESCE(SUM(ABS("t71"."delta")) FILTER(WHERE
                          "t71"."movement" = 'reactivation'), 0) AS "reactivation",
                        SUM("t71"."delta") AS "net",
                        SUM(
                          CASE
                            WHEN (
                              "t71"."before" <= 0
                            ) AND (
                              "t71"."after" > 0
                            )
                            THEN 1
                            WHEN (
                              "t71"."before" > 0
                            ) AND (
                              "t71"."after" <= 0
                            )
                            THEN -1
                            ELSE 0
                          END
                        ) AS "logo_change",
                        COUNT(DISTINCT "t71"."customer_id") FILTER(WHERE
                          "t71"."movement" = 'new') AS "new_customers",
                        COUNT(DISTINCT "t71"."customer_id") FILTER(WHERE
                          "t71"."movement" = 'reactivation') AS "reactivated_customers",
                        COUNT(DISTINCT "t71"."customer_id") FILTER(WHERE
                          "t71"."movement" = 'churn') AS "churned_customers"
                      FROM (
                        SELECT
                          "t66"."customer_id",
                          'all' AS "group",
                          "t66"."day",
                          "t66"."delta",
                          "t66"."before",
                          "t66"."after",
                          "t66"."total_before",
                          "t66"."total_after",
                          "t66"."first_on",
                          "t66"."until",
                          CASE
                            WHEN (
                              "t66"."delta" > 0
                            )
                            AND (
                              "t66"."total_before" <= 0
                            )
                            AND (
                              "t66"."day" = "t66"."first_on"
                            )
                            THEN 'new'
                            WHEN (
                              "t66"."delta" > 0
                            ) AND (
                              "t66"."total_before" <= 0
                            )
                            THEN 'reactivation'
                            WHEN "t66"."delta" > 0
                            THEN 'expansion'
                            WHEN (
                              "t66"."delta" < 0
                            ) AND (
                              "t66"."total_after" <= 0
                            )
                            THEN 'churn'
                            ELSE 'contraction'
                          END AS "movement",
                          DATE_TRUNC('MONTH', "t66"."day") AS "period"
                        FROM "t65" AS "t66"
                      ) AS "t71"
                      GROUP BY
                        1,
                        2
                    ) AS "t75"
                      ON "t9"."group" = "t75"."group" AND "t10"."period" = "t75"."period"
                  ) AS "t76"
                ) AS "t78"
              ) AS "t80"
            ) AS "t81"
          ) AS "t82"
        ) AS "t83"
      ) AS "t85"
      LEFT OUTER JOIN (
        SELECT
          "t74"."group",
          "t74"."period",
          CASE
            WHEN "t74"."_then" > 0
            THEN CAST("t74"."_now" AS DOUBLE) / CAST("t74"."_then" AS DOUBLE)
            ELSE NULL
          END AS "nrr_ttm",
          CASE
            WHEN "t74"."_then" > 0
            THEN CAST("t74"."_floor" AS DOUBLE) / CAST("t74"."_then" AS DOUBLE)
            ELSE NULL
          END AS "grr_ttm"
        FROM (
          SELECT
            "t72"."group",
            "t72"."period",
            SUM("t72"."then") AS "_then",
            SUM(COALESCE("t72"."now", 0)) AS "_now",
            SUM(LEAST(COALESCE("t72"."now", 0), "t72"."then")) AS "_floor"
          FROM (
            SELECT
              "t69"."customer_id",
              "t69"."group",
              "t8"."period",
              "t8"."at",
              "t69"."after" AS "then",
              "t70"."_c",
              "t70"."_g",
              "t70"."_from",
              "t70"."_until",
              "t70"."now"
            FROM (
              SELECT
                "t66"."customer_id",
                'all' AS "group",
                "t66"."day",
                "t66"."after",
                COALESCE("t66"."until", MAKE_DATE(9999, 12, 31)) AS "until"
              FROM "t65" AS "t66"
              WHERE
                "t66"."after" > 0
            ) AS "t69"
            INNER JOIN "ibis_memtable_2" AS "t8"
              ON "t69"."day" <= "t8"."year_ago" AND "t8"."year_ago" < "t69"."until"
            LEFT OUTER JOIN (
              SELECT
                "t66"."customer_id" AS "_c",
                'all' AS "_g",
                "t66"."day" AS "_from",
                COALESCE("t66"."until", MAKE_DATE(9999, 12, 31)) AS "_until",
                "t66"."after" AS "now"
              FROM "t65" AS "t66"
              WHERE
                "t66"."after" > 0
            ) AS "t70"
              ON "t69"."customer_id" = "t70"."_c"
              AND "t69"."group" = "t70"."_g"
              AND "t70"."_from" <= "t8"."at"
              AND "t8"."at" < "t70"."_until"
          ) AS "t72"
          GROUP BY
            1,
            2
        ) AS "t74"
      ) AS "t79"
        ON "t85"."group" = "t79"."group" AND "t85"."period" = "t79"."period"
    ) AS "t86"
  ) AS "t87"
) AS "t88"
WHERE
  "t88"."period" >= COALESCE("t88"."_first", MAKE_DATE(2026, 11, 1))
ORDER BY
  "t88"."group" ASC,
  "t88"."period_label" ASC
