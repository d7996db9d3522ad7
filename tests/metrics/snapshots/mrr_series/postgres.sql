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
), "t26" AS (
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
), "t54" AS (
  SELECT
    "t53"."line_id",
    "t53"."customer_id",
    "t53"."subscription_id",
    "t53"."invoice_id",
    "t53"."price_id",
    "t53"."product_id",
    "t53"."currency",
    "t53"."start_on",
    "t53"."end_on",
    "t53"."is_free",
    "t53"."paid",
    CAST(SIGN(
      "t53"."monthly_minor" * CASE WHEN "t53"."currency" = 'USD' THEN 1.0 ELSE "t41"."minor" END * 100
    ) * CAST(FLOOR(
      ABS(
        "t53"."monthly_minor" * CASE WHEN "t53"."currency" = 'USD' THEN 1.0 ELSE "t41"."minor" END * 100
      ) + 0.5
    ) AS BIGINT) AS BIGINT) AS "units"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t50"."line_id",
        "t50"."invoice_id",
        "t50"."subscription_id",
        "t50"."subscription_item_id",
        "t50"."price_id",
        "t50"."kind",
        "t50"."amount_minor",
        UPPER(COALESCE("t50"."currency", "t50"."inv_currency")) AS "currency",
        "t50"."quantity",
        "t50"."discount_minor",
        "t50"."tax_minor",
        "t50"."proration",
        "t50"."period_start_at",
        "t50"."period_end_at",
        "t50"."description",
        "t50"."_version_at",
        "t50"."customer_id",
        "t50"."inv_currency",
        "t50"."paid",
        "t50"."price_product",
        "t50"."unit",
        "t50"."price_interval",
        "t50"."price_count",
        "t50"."price_type",
        "t50"."price_free",
        "t50"."_proration",
        "t50"."_share",
        "t50"."stop_at",
        "t50"."_monthly_list",
        "t50"."_end_at",
        "t50"."_anchor_at",
        "t50"."_anchor_share",
        CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
          days => CAST(CAST(FLOOR(
            CAST(DATE_PART(
              'epoch',
              CASE
                WHEN "t50"."_proration"
                THEN COALESCE("t50"."_anchor_at", "t50"."period_start_at")
                ELSE "t50"."period_start_at"
              END
            ) AS DOUBLE PRECISION) / 86400
          ) AS BIGINT) AS INT)
        ) AS TIMESTAMP) AS DATE) AS "fx_on",
        CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
          days => CAST(CAST(FLOOR(CAST(DATE_PART('epoch', "t50"."period_start_at") AS DOUBLE PRECISION) / 86400) AS BIGINT) AS INT)
        ) AS TIMESTAMP) AS DATE) AS "start_on",
        CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
          days => CAST(CAST(FLOOR(CAST(DATE_PART('epoch', "t50"."_end_at") AS DOUBLE PRECISION) / 86400) AS BIGINT) AS INT)
        ) AS TIMESTAMP) AS DATE) AS "end_on",
        "t50"."_monthly_list" * (
          1.0 - CASE
            WHEN "t50"."_proration"
            THEN COALESCE("t50"."_anchor_share", "t50"."_share")
            ELSE "t50"."_share"
          END
        ) AS "monthly_minor",
        COALESCE("t50"."price_free", FALSE) OR (
          COALESCE("t50"."unit", -1) = 0
        ) AS "is_free",
        "t50"."price_product" AS "product_id"
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
          "t49"."_anchor_at",
          "t49"."_anchor_share"
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
            "t48"."_monthly_list",
            "t48"."_end_at",
            "t44"."subscription_id" AS "subscription_id_right",
            "t44"."period_end_at" AS "period_end_at_right",
            "t44"."_anchor_at",
            "t44"."_anchor_share"
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
              "t46"."_proration",
              "t46"."_share",
              "t46"."stop_at",
              CAST(CASE
                WHEN "t46"."_proration"
                THEN SIGN(CAST(COALESCE("t46"."amount_minor", 0) AS DOUBLE PRECISION)) * COALESCE(
                  CAST("t46"."unit" * COALESCE("t46"."quantity", 1) AS DOUBLE PRECISION),
                  CAST((
                    ABS(CAST(COALESCE("t46"."amount_minor", 0) AS DOUBLE PRECISION)) * (
                      COALESCE(
                        CASE
                          WHEN "t46"."price_interval" = 'day'
                          THEN 0.03287671232876712
                          WHEN "t46"."price_interval" = 'week'
                          THEN 0.23076923076923078
                          WHEN "t46"."price_interval" = 'month'
                          THEN 1.0
                          WHEN "t46"."price_interval" = 'year'
                          THEN 12.0
                          ELSE NULL
                        END * CAST(COALESCE("t46"."price_count", 1) AS DOUBLE PRECISION),
                        CAST((
                          CAST((
                            DATE_PART('epoch', "t46"."period_end_at") - DATE_PART('epoch', "t46"."period_start_at")
                          ) AS DOUBLE PRECISION) / 86400
                        ) AS DOUBLE PRECISION) / 30.4375
                      ) * 30.4375
                    )
                  ) AS DOUBLE PRECISION) / GREATEST(
                    CAST((
                      DATE_PART('epoch', "t46"."period_end_at") - DATE_PART('epoch', "t46"."period_start_at")
                    ) AS DOUBLE PRECISION) / 86400,
                    0.041666666666666664
                  )
                )
                ELSE CAST(COALESCE("t46"."amount_minor", 0) AS DOUBLE PRECISION)
              END AS DOUBLE PRECISION) / COALESCE(
                CASE
                  WHEN "t46"."price_interval" = 'day'
                  THEN 0.03287671232876712
                  WHEN "t46"."price_interval" = 'week'
                  THEN 0.23076923076923078
                  WHEN "t46"."price_interval" = 'month'
                  THEN 1.0
                  WHEN "t46"."price_interval" = 'year'
                  THEN 12.0
                  ELSE NULL
                END * CAST(COALESCE("t46"."price_count", 1) AS DOUBLE PRECISION),
                CAST((
                  CAST((
                    DATE_PART('epoch', "t46"."period_end_at") - DATE_PART('epoch', "t46"."period_start_at")
                  ) AS DOUBLE PRECISION) / 86400
                ) AS DOUBLE PRECISION) / 30.4375
              ) AS "_monthly_list",
              LEAST("t46"."period_end_at", COALESCE("t46"."stop_at", "t46"."period_end_at")) AS "_end_at"
            FROM (
              SELECT
                "t45"."line_id",
                "t45"."invoice_id",
                "t45"."subscription_id",
                "t45"."subscription_item_id",
                "t45"."price_id",
                "t45"."kind",
                "t45"."amount_minor",
                "t45"."currency",
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
                "t45"."stop_at"
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
                  "t27"."subscription_id" AS "subscription_id_right",
                  "t27"."stop_at"
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
                    COALESCE("t36"."proration", FALSE) AS "_proration",
                    GREATEST(
                      LEAST(
                        CASE
                          WHEN CAST(COALESCE("t36"."amount_minor", 0) AS DOUBLE PRECISION) = 0
                          THEN 0.0
                          ELSE CAST(COALESCE("t36"."discount_minor", 0) AS DOUBLE PRECISION) / ABS(CAST(COALESCE("t36"."amount_minor", 0) AS DOUBLE PRECISION))
                        END,
                        1.0
                      ),
                      0.0
                    ) AS "_share"
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
                      "t34"."price_free"
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
                        "t30"."customer_id",
                        "t30"."inv_currency",
                        "t30"."paid",
                        "t23"."price_id" AS "price_id_right",
                        "t23"."price_product",
                        "t23"."unit",
                        "t23"."price_interval",
                        "t23"."price_count",
                        "t23"."price_type",
                        "t23"."price_free"
                      FROM "invoice_lines" AS "t11"
                      INNER JOIN "t26" AS "t30"
                        ON "t11"."invoice_id" = "t30"."invoice_id"
                      LEFT OUTER JOIN "t12" AS "t23"
                        ON "t11"."price_id" = "t23"."price_id"
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
                ) AS "t42"
                LEFT OUTER JOIN (
                  SELECT
                    "t4"."subscription_id",
                    COALESCE(
                      "t4"."ended_at",
                      CASE WHEN "t4"."status" = 'canceled' THEN "t4"."canceled_at" ELSE NULL END
                    ) AS "stop_at"
                  FROM "subscriptions" AS "t4"
                ) AS "t27"
                  ON "t42"."subscription_id" = "t27"."subscription_id"
              ) AS "t45"
            ) AS "t46"
          ) AS "t48"
          LEFT OUTER JOIN (
            SELECT
              "t39"."subscription_id",
              "t39"."period_end_at",
              MIN("t39"."period_start_at") AS "_anchor_at",
              AVG("t39"."_share") AS "_anchor_share"
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
                COALESCE("t35"."proration", FALSE) AS "_proration",
                GREATEST(
                  LEAST(
                    CASE
                      WHEN CAST(COALESCE("t35"."amount_minor", 0) AS DOUBLE PRECISION) = 0
                      THEN 0.0
                      ELSE CAST(COALESCE("t35"."discount_minor", 0) AS DOUBLE PRECISION) / ABS(CAST(COALESCE("t35"."amount_minor", 0) AS DOUBLE PRECISION))
                    END,
                    1.0
                  ),
                  0.0
                ) AS "_share"
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
                  "t33"."price_free"
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
                    "t29"."customer_id",
                    "t29"."inv_currency",
                    "t29"."paid",
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
                  INNER JOIN "t26" AS "t29"
                    ON "t25"."invoice_id" = "t29"."invoice_id"
                  LEFT OUTER JOIN "t12" AS "t22"
                    ON "t25"."price_id" = "t22"."price_id"
                  WHERE
                    EXISTS(
                      SELECT
                        1
                      FROM (
                        SELECT DISTINCT
                          "t5"."subscription_id",
                          "t5"."period_end_at"
                        FROM "invoice_lines" AS "t5"
                        WHERE
                          COALESCE("t5"."proration", FALSE)
                      ) AS "t21"
                      WHERE
                        "t25"."subscription_id" = "t21"."subscription_id"
                        AND "t25"."period_end_at" = "t21"."period_end_at"
                    )
                ) AS "t33"
              ) AS "t35"
              WHERE
                "t35"."subscription_id" IS NOT NULL
                AND (
                  (
                    "t35"."price_interval" IS NOT NULL
                  )
                  OR (
                    (
                      "t35"."price_type" IS NULL
                    ) AND (
                      "t35"."kind" = 'subscription'
                    )
                  )
                )
                AND "t35"."period_start_at" IS NOT NULL
                AND "t35"."period_end_at" IS NOT NULL
            ) AS "t39"
            GROUP BY
              1,
              2
          ) AS "t44"
            ON "t48"."subscription_id" = "t44"."subscription_id"
            AND "t48"."period_end_at" = "t44"."period_end_at"
        ) AS "t49"
      ) AS "t50"
    ) AS "t51"
    WHERE
      "t51"."start_on" < "t51"."end_on"
  ) AS "t53"
  LEFT OUTER JOIN (
    SELECT
      "t37"."currency",
      "t37"."rate",
      "t37"."valid_to",
      CASE
        WHEN "t37"."first"
        THEN MAKE_DATE(CAST(1900 AS INT), CAST(1 AS INT), CAST(1 AS INT))
        ELSE "t37"."rate_on"
      END AS "valid_from",
      CASE
        WHEN "t37"."currency" = 'USD'
        THEN 1.0
        ELSE "t37"."rate" * CASE
          WHEN "t37"."currency" IN (
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
          WHEN "t37"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
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
              CAST(1.0 AS DOUBLE PRECISION) / "t3"."rate" AS "rate"
            FROM "fx_rates" AS "t3"
            WHERE
              "t3"."currency" = 'USD' AND "t3"."rate" > 0
          ) AS "t18"
          WHERE
            NOT EXISTS(
              SELECT
                1
              FROM (
                SELECT DISTINCT
                  "t3"."currency"
                FROM "fx_rates" AS "t3"
                WHERE
                  "t3"."quote_currency" = 'USD'
              ) AS "t19"
              WHERE
                "t18"."currency" = "t19"."currency"
            )
        ) AS "t31"
      ) AS "t32"
    ) AS "t37"
  ) AS "t41"
    ON "t53"."currency" = "t41"."currency"
    AND "t53"."fx_on" >= "t41"."valid_from"
    AND (
      (
        "t41"."valid_to" IS NULL
      ) OR (
        "t53"."fx_on" < "t41"."valid_to"
      )
    )
), "t63" AS (
  SELECT
    "t62"."customer_id",
    "t62"."group",
    "t62"."day",
    "t62"."delta",
    "t62"."after",
    "t62"."after" - "t62"."delta" AS "before"
  FROM (
    SELECT
      "t61"."customer_id",
      "t61"."group",
      "t61"."day",
      "t61"."delta",
      SUM("t61"."delta") OVER (
        PARTITION BY "t61"."customer_id", "t61"."group"
        ORDER BY "t61"."day" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS "after"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t59"."customer_id",
          "t59"."group",
          "t59"."day",
          SUM("t59"."delta") AS "delta"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t55"."customer_id",
                'all' AS "group",
                "t55"."start_on" AS "day",
                "t55"."units" AS "delta"
              FROM "t54" AS "t55"
              WHERE
                "t55"."units" <> 0
            ) AS "t56"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                "t55"."customer_id",
                'all' AS "group",
                "t55"."end_on" AS "day",
                -(
                  "t55"."units"
                ) AS "delta"
              FROM "t54" AS "t55"
              WHERE
                "t55"."units" <> 0
            ) AS "t57"
          ) AS "t58"
          WHERE
            "t58"."day" <= MAKE_DATE(2026, 11, 1)
        ) AS "t59"
        GROUP BY
          1,
          2,
          3
      ) AS "t60"
      WHERE
        "t60"."delta" <> 0
    ) AS "t61"
  ) AS "t62"
), "t72" AS (
  SELECT
    "t65"."customer_id",
    "t65"."group",
    "t65"."day",
    "t65"."delta",
    "t65"."before",
    "t65"."after",
    "t71"."total_before",
    "t71"."total_after",
    "t71"."first_on",
    CASE
      WHEN (
        "t65"."delta" > 0
      )
      AND (
        "t71"."total_before" <= 0
      )
      AND (
        "t65"."day" = "t71"."first_on"
      )
      THEN 'new'
      WHEN (
        "t65"."delta" > 0
      ) AND (
        "t71"."total_before" <= 0
      )
      THEN 'reactivation'
      WHEN "t65"."delta" > 0
      THEN 'expansion'
      WHEN (
        "t65"."delta" < 0
      ) AND (
        "t71"."total_after" <= 0
      )
      THEN 'churn'
      ELSE 'contraction'
    END AS "movement"
  FROM "t63" AS "t65"
  INNER JOIN (
    SELECT
      "t69"."customer_id",
      "t69"."day",
      "t69"."total_before",
      "t69"."total_after",
      "t69"."first_on"
    FROM (
      SELECT
        "t68"."customer_id",
        "t68"."day",
        "t68"."total_delta",
        "t68"."total_after",
        "t68"."total_before",
        MIN(
          CASE
            WHEN (
              "t68"."total_before" <= 0
            ) AND (
              "t68"."total_after" > 0
            )
            THEN "t68"."day"
            ELSE NULL
          END
        ) OVER (
          PARTITION BY "t68"."customer_id"
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS "first_on"
      FROM (
        SELECT
          "t67"."customer_id",
          "t67"."day",
          "t67"."total_delta",
          "t67"."total_after",
          "t67"."total_after" - "t67"."total_delta" AS "total_before"
        FROM (
          SELECT
            "t66"."customer_id",
            "t66"."day",
            "t66"."total_delta",
            SUM("t66"."total_delta") OVER (
              PARTITION BY "t66"."customer_id"
              ORDER BY "t66"."day" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "total_after"
          FROM (
            SELECT
              "t64"."customer_id",
              "t64"."day",
              SUM("t64"."delta") AS "total_delta"
            FROM "t63" AS "t64"
            GROUP BY
              1,
              2
          ) AS "t66"
        ) AS "t67"
      ) AS "t68"
    ) AS "t69"
  ) AS "t71"
    ON "t65"."customer_id" = "t71"."customer_id" AND "t65"."day" = "t71"."day"
)
SELECT
  "t99"."period_label" AS "period",
  "t99"."group",
  CAST("t99"."mrr_u" AS DOUBLE PRECISION) / 10000 AS "mrr",
  CAST("t99"."mrr_u" * 12 AS DOUBLE PRECISION) / 10000 AS "arr",
  CAST("t99"."mrr_start_u" AS DOUBLE PRECISION) / 10000 AS "mrr_start",
  CAST("t99"."new" AS DOUBLE PRECISION) / 10000 AS "new",
  CAST("t99"."expansion" AS DOUBLE PRECISION) / 10000 AS "expansion",
  CAST("t99"."contraction" AS DOUBLE PRECISION) / 10000 AS "contraction",
  CAST("t99"."churn" AS DOUBLE PRECISION) / 10000 AS "churn",
  CAST("t99"."reactivation" AS DOUBLE PRECISION) / 10000 AS "reactivation",
  CAST("t99"."net" AS DOUBLE PRECISION) / 10000 AS "net_new_mrr",
  "t99"."customers",
  "t99"."customers_start",
  "t99"."new_customers",
  "t99"."reactivated_customers",
  "t99"."churned_customers",
  "t99"."arpa",
  "t99"."customer_churn_rate",
  "t99"."gross_mrr_churn_rate",
  "t99"."net_mrr_churn_rate",
  "t99"."nrr",
  "t99"."grr",
  "t99"."nrr_ttm",
  "t99"."grr_ttm",
  "t99"."retention_rate",
  "t99"."ltv"
FROM (
  SELECT
    "t98"."group",
    "t98"."period",
    "t98"."period_end",
    "t98"."period_label",
    "t98"."new",
    "t98"."expansion",
    "t98"."contraction",
    "t98"."churn",
    "t98"."reactivation",
    "t98"."net",
    "t98"."logo_change",
    "t98"."new_customers",
    "t98"."reactivated_customers",
    "t98"."churned_customers",
    "t98"."mrr_u",
    "t98"."customers",
    "t98"."mrr_start_u",
    "t98"."customers_start",
    "t98"."arpa",
    "t98"."customer_churn_rate",
    "t98"."gross_mrr_churn_rate",
    "t98"."net_mrr_churn_rate",
    "t98"."nrr",
    "t98"."grr",
    "t98"."retention_rate",
    "t98"."ltv",
    "t98"."nrr_ttm",
    "t98"."grr_ttm",
    MIN(
      CASE
        WHEN (
          "t98"."net" <> 0
        ) OR (
          "t98"."logo_change" <> 0
        )
        THEN "t98"."period"
        ELSE NULL
      END
    ) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "_first"
  FROM (
    SELECT
      "t97"."group",
      "t97"."period",
      "t97"."period_end",
      "t97"."period_label",
      "t97"."new",
      "t97"."expansion",
      "t97"."contraction",
      "t97"."churn",
      "t97"."reactivation",
      "t97"."net",
      "t97"."logo_change",
      "t97"."new_customers",
      "t97"."reactivated_customers",
      "t97"."churned_customers",
      "t97"."mrr_u",
      "t97"."customers",
      "t97"."mrr_start_u",
      "t97"."customers_start",
      "t97"."arpa",
      "t97"."customer_churn_rate",
      "t97"."gross_mrr_churn_rate",
      "t97"."net_mrr_churn_rate",
      "t97"."nrr",
      "t97"."grr",
      "t97"."retention_rate",
      "t97"."ltv",
      "t97"."nrr_ttm",
      "t97"."grr_ttm"
    FROM (
      SELECT
        "t96"."group",
        "t96"."period",
        "t96"."period_end",
        "t96"."period_label",
        "t96"."new",
        "t96"."expansion",
        "t96"."contraction",
        "t96"."churn",
        "t96"."reactivation",
        "t96"."net",
        "t96"."logo_change",
        "t96"."new_customers",
        "t96"."reactivated_customers",
        "t96"."churned_customers",
        "t96"."mrr_u",
        "t96"."customers",
        "t96"."mrr_start_u",
        "t96"."customers_start",
        "t96"."arpa",
        "t96"."customer_churn_rate",
        "t96"."gross_mrr_churn_rate",
        "t96"."net_mrr_churn_rate",
        "t96"."nrr",
        "t96"."grr",
        "t96"."retention_rate",
        "t96"."ltv",
        "t93"."group" AS "group_right",
        "t93"."period" AS "period_right",
        "t93"."nrr_ttm",
        "t93"."grr_ttm"
      FROM (
        SELECT
          "t94"."group",
          "t94"."period",
          "t94"."period_end",
          "t94"."period_label",
          "t94"."new",
          "t94"."expansion",
          "t94"."contraction",
          "t94"."churn",
          "t94"."reactivation",
          "t94"."net",
          "t94"."logo_change",
          "t94"."new_customers",
          "t94"."reactivated_customers",
          "t94"."churned_customers",
          "t94"."mrr_u",
          "t94"."customers",
          "t94"."mrr_start_u",
          "t94"."customers_start",
          "t94"."arpa",
          "t94"."customer_churn_rate",
          "t94"."gross_mrr_churn_rate",
          "t94"."net_mrr_churn_rate",
          "t94"."nrr",
          "t94"."grr",
          "t94"."retention_rate",
          CASE
            WHEN (
              CAST(AVG("t94"."customer_churn_rate") OVER (
                PARTITION BY "t94"."group"
                ORDER BY "t94"."period" ASC
                ROWS BETWEEN 5 preceding AND CURRENT ROW
              ) AS DOUBLE PRECISION) / 1
            ) > 0
            THEN CAST((
              "t94"."arpa" * 1.0
            ) AS DOUBLE PRECISION) / (
              CAST(AVG("t94"."customer_churn_rate") OVER (
                PARTITION BY "t94"."group"
                ORDER BY "t94"."period" ASC
                ROWS BETWEEN 5 preceding AND CURRENT ROW
              ) AS DOUBLE PRECISION) / 1
            )
            ELSE NULL
          END AS "ltv"
        FROM (
          SELECT
            "t91"."group",
            "t91"."period",
            "t91"."period_end",
            "t91"."period_label",
            "t91"."new",
            "t91"."expansion",
            "t91"."contraction",
            "t91"."churn",
            "t91"."reactivation",
            "t91"."net",
            "t91"."logo_change",
            "t91"."new_customers",
            "t91"."reactivated_customers",
            "t91"."churned_customers",
            "t91"."mrr_u",
            "t91"."customers",
            "t91"."mrr_start_u",
            "t91"."customers_start",
            CASE
              WHEN "t91"."customers" > 0
              THEN CAST((
                CAST("t91"."mrr_u" AS DOUBLE PRECISION) / 10000
              ) AS DOUBLE PRECISION) / "t91"."customers"
              ELSE NULL
            END AS "arpa",
            CASE
              WHEN "t91"."customers_start" > 0
              THEN CAST("t91"."churned_customers" AS DOUBLE PRECISION) / CAST("t91"."customers_start" AS DOUBLE PRECISION)
              ELSE NULL
            END AS "customer_churn_rate",
            CASE
              WHEN "t91"."mrr_start_u" > 0
              THEN CAST("t91"."churn" + "t91"."contraction" AS DOUBLE PRECISION) / CAST("t91"."mrr_start_u" AS DOUBLE PRECISION)
              ELSE NULL
            END AS "gross_mrr_churn_rate",
            CASE
              WHEN "t91"."mrr_start_u" > 0
              THEN CAST((
                (
                  "t91"."churn" + "t91"."contraction"
                ) - "t91"."expansion"
              ) - "t91"."reactivation" AS DOUBLE PRECISION) / CAST("t91"."mrr_start_u" AS DOUBLE PRECISION)
              ELSE NULL
            END AS "net_mrr_churn_rate",
            CASE
              WHEN "t91"."mrr_start_u" > 0
              THEN CAST("t91"."mrr_start_u" - (
                (
                  (
                    "t91"."churn" + "t91"."contraction"
                  ) - "t91"."expansion"
                ) - "t91"."reactivation"
              ) AS DOUBLE PRECISION) / CAST("t91"."mrr_start_u" AS DOUBLE PRECISION)
              ELSE NULL
            END AS "nrr",
            CASE
              WHEN "t91"."mrr_start_u" > 0
              THEN CAST("t91"."mrr_start_u" - (
                "t91"."churn" + "t91"."contraction"
              ) AS DOUBLE PRECISION) / CAST("t91"."mrr_start_u" AS DOUBLE PRECISION)
              ELSE NULL
            END AS "grr",
            CASE
              WHEN "t91"."customers_start" > 0
              THEN CAST((
                "t91"."customers" - "t91"."new_customers"
              ) - "t91"."reactivated_customers" AS DOUBLE PRECISION) / CAST("t91"."customers_start" AS DOUBLE PRECISION)
              ELSE NULL
            END AS "retention_rate"
          FROM (
            SELECT
              "t89"."group",
              "t89"."period",
              "t89"."period_end",
              "t89"."period_label",
              "t89"."new",
              "t89"."expansion",
              "t89"."contraction",
              "t89"."churn",
              "t89"."reactivation",
              "t89"."net",
              "t89"."logo_change",
              "t89"."new_customers",
              "t89"."reactivated_customers",
              "t89"."churned_customers",
              "t89"."mrr_u",
              "t89"."customers",
              "t89"."mrr_u" - "t89"."net" AS "mrr_start_u",
              "t89"."customers" - "t89"."logo_change" AS "customers_start"
            FROM (
              SELECT
                "t88"."group",
                "t88"."period",
                "t88"."period_end",
                "t88"."period_label",
                "t88"."new",
                "t88"."expansion",
                "t88"."contraction",
                "t88"."churn",
                "t88"."reactivation",
                "t88"."net",
                "t88"."logo_change",
                "t88"."new_customers",
                "t88"."reactivated_customers",
                "t88"."churned_customers",
                SUM("t88"."net") OVER (
                  PARTITION BY "t88"."group"
                  ORDER BY "t88"."period" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS "mrr_u",
                SUM("t88"."logo_change") OVER (
                  PARTITION BY "t88"."group"
                  ORDER BY "t88"."period" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS "customers"
              FROM (
                SELECT
                  "t86"."group",
                  "t86"."period",
                  "t86"."period_end",
                  "t86"."period_label",
                  COALESCE("t86"."new", 0) AS "new",
                  COALESCE("t86"."expansion", 0) AS "expansion",
                  COALESCE("t86"."contraction", 0) AS "contraction",
                  COALESCE("t86"."churn", 0) AS "churn",
                  COALESCE("t86"."reactivation", 0) AS "reactivation",
                  COALESCE("t86"."net", 0) AS "net",
                  COALESCE("t86"."logo_change", 0) AS "logo_change",
                  COALESCE("t86"."new_customers", 0) AS "new_customers",
                  COALESCE("t86"."reactivated_customers", 0) AS "reactivated_customers",
                  COALESCE("t86"."churned_customers", 0) AS "churned_customers"
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
                    "t85"."churned_customers"
                  FROM (
                    SELECT
                      "t8"."group",
                      "t9"."period",
                      "t9"."period_end",
                      "t9"."period_label",
                      "t80"."group" AS "group_right",
                      "t80"."period" AS "period_right",
                      "t80"."new",
                      "t80"."expansion",
                      "t80"."contraction",
                      "t80"."churn",
                      "t80"."reactivation",
                      "t80"."net",
                      "t80"."logo_change",
                      "t80"."new_customers",
                      "t80"."reactivated_customers",
                      "t80"."churned_customers"
                    FROM "ibis_memtable_0" AS "t8"
                    CROSS JOIN "ibis_memtable_1" AS "t9"
                    LEFT OUTER JOIN (
                      SELECT
                        "t74"."group",
                        "t74"."period",
                        COALESCE(SUM(ABS("t74"."delta")) FILTER(WHERE
                          "t74"."movement" = 'new'), 0) AS "new",
                        COALESCE(SUM(ABS("t74"."delta")) FILTER(WHERE
                          "t74"."movement" = 'expansion'), 0) AS "expansion",
                        COALESCE(SUM(ABS("t74"."delta")) FILTER(WHERE
                          "t74"."movement" = 'contraction'), 0) AS "contraction",
                        COALESCE(SUM(ABS("t74"."delta")) FILTER(WHERE
                          "t74"."movement" = 'churn'), 0) AS "churn",
                        COALESCE(SUM(ABS("t74"."delta")) FILTER(WHERE
                          "t74"."movement" = 'reactivation'), 0) AS "reactivation",
                        SUM("t74"."delta") AS "net",
                        SUM(
                          CASE
                            WHEN (
                              "t74"."before" <= 0
                            ) AND (
                              "t74"."after" > 0
                            )
                            THEN 1
                            WHEN (
                              "t74"."before" > 0
                            ) AND (
                              "t74"."after" <= 0
                            )
                            THEN -1
                            ELSE 0
                          END
                        ) AS "logo_change",
                        COUNT(DISTINCT "t74"."customer_id") FILTER(WHERE
                          "t74"."movement" = 'new') AS "new_customers",
                        COUNT(DISTINCT "t74"."customer_id") FILTER(WHERE
                          "t74"."movement" = 'reactivation') AS "reactivated_customers",
                        COUNT(DISTINCT "t74"."customer_id") FILTER(WHERE
                          "t74"."movement" = 'churn') AS "churned_customers"
                      FROM (
                        SELECT
                          "t73"."customer_id",
                          "t73"."group",
                          "t73"."day",
                          "t73"."delta",
                          "t73"."before",
                          "t73"."after",
                          "t73"."total_before",
                          "t73"."total_after",
                          "t73"."first_on",
                          "t73"."movement",
                          DATE_TRUNC('MONTH', "t73"."day") AS "period"
                        FROM "t72" AS "t73"
                      ) AS "t74"
                      GROUP BY
                        1,
                        2
                    ) AS "t80"
                      ON "t8"."group" = "t80"."group" AND "t9"."period" = "t80"."period"
                  ) AS "t85"
                ) AS "t86"
              ) AS "t88"
            ) AS "t89"
          ) AS "t91"
        ) AS "t94"
      ) AS "t96"
      LEFT OUTER JOIN (
        SELECT
          "t90"."group",
          "t90"."period",
          CASE
            WHEN "t90"."_then" > 0
            THEN CAST("t90"."_now" AS DOUBLE PRECISION) / CAST("t90"."_then" AS DOUBLE PRECISION)
            ELSE NULL
          END AS "nrr_ttm",
          CASE
            WHEN "t90"."_then" > 0
            THEN CAST("t90"."_floor" AS DOUBLE PRECISION) / CAST("t90"."_then" AS DOUBLE PRECISION)
            ELSE NULL
          END AS "grr_ttm"
        FROM (
          SELECT
            "t87"."group",
            "t87"."period",
            SUM("t87"."then") AS "_then",
            SUM(COALESCE("t87"."now", 0)) AS "_now",
            SUM(LEAST(COALESCE("t87"."now", 0), "t87"."then")) AS "_floor"
          FROM (
            SELECT
              "t83"."customer_id",
              "t83"."group",
              "t83"."period",
              "t83"."then",
              "t84"."customer_id" AS "customer_id_right",
              "t84"."group" AS "group_right",
              "t84"."period" AS "period_right",
              "t84"."now"
            FROM (
              SELECT
                "t78"."customer_id",
                "t78"."group",
                "t78"."period",
                "t78"."after" AS "then"
              FROM (
                SELECT
                  "t76"."customer_id",
                  "t76"."group",
                  "t76"."day",
                  "t76"."after",
                  "t76"."until",
                  "t10"."period",
                  "t10"."at",
                  "t10"."year_ago"
                FROM (
                  SELECT
                    "t73"."customer_id",
                    "t73"."group",
                    "t73"."day",
                    "t73"."after",
                    LEAD("t73"."day") OVER (
                      PARTITION BY "t73"."customer_id", "t73"."group"
                      ORDER BY "t73"."day" ASC
                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                    ) AS "until"
                  FROM "t72" AS "t73"
                ) AS "t76"
                INNER JOIN "ibis_memtable_2" AS "t10"
                  ON "t76"."day" <= "t10"."year_ago"
                  AND (
                    (
                      "t76"."until" IS NULL
                    ) OR (
                      "t10"."year_ago" < "t76"."until"
                    )
                  )
              ) AS "t78"
              WHERE
                "t78"."after" > 0
            ) AS "t83"
            LEFT OUTER JOIN (
              SELECT
                "t79"."customer_id",
                "t79"."group",
                "t79"."period",
                "t79"."after" AS "now"
              FROM (
                SELECT
                  "t76"."customer_id",
                  "t76"."group",
                  "t76"."day",
                  "t76"."after",
                  "t76"."until",
                  "t10"."period",
                  "t10"."at",
                  "t10"."year_ago"
                FROM (
                  SELECT
                    "t73"."customer_id",
                    "t73"."group",
                    "t73"."day",
                    "t73"."after",
                    LEAD("t73"."day") OVER (
                      PARTITION BY "t73"."customer_id", "t73"."group"
                      ORDER BY "t73"."day" ASC
                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                    ) AS "until"
                  FROM "t72" AS "t73"
                ) AS "t76"
                INNER JOIN "ibis_memtable_2" AS "t10"
                  ON "t76"."day" <= "t10"."at"
                  AND (
                    (
                      "t76"."until" IS NULL
                    ) OR (
                      "t10"."at" < "t76"."until"
                    )
                  )
              ) AS "t79"
              WHERE
                "t79"."after" > 0
            ) AS "t84"
              ON "t83"."customer_id" = "t84"."customer_id"
              AND "t83"."group" = "t84"."group"
              AND "t83"."period" = "t84"."period"
          ) AS "t87"
          GROUP BY
            1,
            2
        ) AS "t90"
      ) AS "t93"
        ON "t96"."group" = "t93"."group" AND "t96"."period" = "t93"."period"
    ) AS "t97"
  ) AS "t98"
) AS "t99"
WHERE
  "t99"."period" >= COALESCE("t99"."_first", MAKE_DATE(2026, 11, 1))
ORDER BY
  "t99"."group" ASC,
  "t99"."period_label" ASC
