-- run while the expression is built (1 of 1)
SELECT
  MIN("t0"."period_start_at") AS "Min(period_start_at)"
FROM "invoice_lines_versions" AS "t0";

-- the metric
WITH "t8" AS (
  SELECT
    "t5"."price_id",
    "t5"."product_id" AS "price_product",
    "t5"."amount_minor" AS "unit",
    "t5"."interval" AS "price_interval",
    "t5"."interval_count" AS "price_count",
    "t5"."type" AS "price_type",
    "t5"."is_free" AS "price_free"
  FROM "prices" AS "t5"
), "t22" AS (
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
), "t50" AS (
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
        CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
          days => CAST(CAST(FLOOR(
            CAST(DATE_PART(
              'epoch',
              CASE
                WHEN "t46"."_proration"
                THEN COALESCE("t46"."_anchor_at", "t46"."period_start_at")
                ELSE "t46"."period_start_at"
              END
            ) AS DOUBLE PRECISION) / 86400
          ) AS BIGINT) AS INT)
        ) AS TIMESTAMP) AS DATE) AS "fx_on",
        CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
          days => CAST(CAST(FLOOR(CAST(DATE_PART('epoch', "t46"."period_start_at") AS DOUBLE PRECISION) / 86400) AS BIGINT) AS INT)
        ) AS TIMESTAMP) AS DATE) AS "start_on",
        CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
          days => CAST(CAST(FLOOR(CAST(DATE_PART('epoch', "t46"."_end_at") AS DOUBLE PRECISION) / 86400) AS BIGINT) AS INT)
        ) AS TIMESTAMP) AS DATE) AS "end_on",
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
          "t45"."stop_at",
          "t45"."_monthly_list",
          "t45"."_end_at",
          "t45"."_anchor_at",
          "t45"."_anchor_share"
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
              CAST(CASE
                WHEN "t42"."_proration"
                THEN SIGN(CAST(COALESCE("t42"."amount_minor", 0) AS DOUBLE PRECISION)) * COALESCE(
                  CAST("t42"."unit" * COALESCE("t42"."quantity", 1) AS DOUBLE PRECISION),
                  CAST((
                    ABS(CAST(COALESCE("t42"."amount_minor", 0) AS DOUBLE PRECISION)) * (
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
                        END * CAST(COALESCE("t42"."price_count", 1) AS DOUBLE PRECISION),
                        CAST((
                          CAST((
                            DATE_PART('epoch', "t42"."period_end_at") - DATE_PART('epoch', "t42"."period_start_at")
                          ) AS DOUBLE PRECISION) / 86400
                        ) AS DOUBLE PRECISION) / 30.4375
                      ) * 30.4375
                    )
                  ) AS DOUBLE PRECISION) / GREATEST(
                    CAST((
                      DATE_PART('epoch', "t42"."period_end_at") - DATE_PART('epoch', "t42"."period_start_at")
                    ) AS DOUBLE PRECISION) / 86400,
                    0.041666666666666664
                  )
                )
                ELSE CAST(COALESCE("t42"."amount_minor", 0) AS DOUBLE PRECISION)
              END AS DOUBLE PRECISION) / COALESCE(
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
                END * CAST(COALESCE("t42"."price_count", 1) AS DOUBLE PRECISION),
                CAST((
                  CAST((
                    DATE_PART('epoch', "t42"."period_end_at") - DATE_PART('epoch', "t42"."period_start_at")
                  ) AS DOUBLE PRECISION) / 86400
                ) AS DOUBLE PRECISION) / 30.4375
              ) AS "_monthly_list",
              LEAST("t42"."period_end_at", COALESCE("t42"."stop_at", "t42"."period_end_at")) AS "_end_at"
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
                "t41"."stop_at"
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
                      FROM "invoice_lines" AS "t7"
                      INNER JOIN "t22" AS "t26"
                        ON "t7"."invoice_id" = "t26"."invoice_id"
                      LEFT OUTER JOIN "t8" AS "t19"
                        ON "t7"."price_id" = "t19"."price_id"
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
                    "t2"."subscription_id",
                    COALESCE(
                      "t2"."ended_at",
                      CASE WHEN "t2"."status" = 'canceled' THEN "t2"."canceled_at" ELSE NULL END
                    ) AS "stop_at"
                  FROM "subscriptions" AS "t2"
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
                      WHEN CAST(COALESCE("t31"."amount_minor", 0) AS DOUBLE PRECISION) = 0
                      THEN 0.0
                      ELSE CAST(COALESCE("t31"."discount_minor", 0) AS DOUBLE PRECISION) / ABS(CAST(COALESCE("t31"."amount_minor", 0) AS DOUBLE PRECISION))
                    END,
                    1.0
                  ),
                  0.0
                ) AS "_share"
              FROM (
                SELECT
                  "t29"."line_id",
                  "t29"."invoice_id",
                  "t29"."subscription_id",
                  "t29"."subscription_item_id",
                  "t29"."price_id",
                  "t29"."kind",
                  "t29"."amount_minor",
                  "t29"."currency",
                  "t29"."quantity",
                  "t29"."discount_minor",
                  "t29"."tax_minor",
                  "t29"."proration",
                  "t29"."period_start_at",
                  "t29"."period_end_at",
                  "t29"."description",
                  "t29"."_version_at",
                  "t29"."customer_id",
                  "t29"."inv_currency",
                  "t29"."paid",
                  "t29"."price_product",
                  "t29"."unit",
                  "t29"."price_interval",
                  "t29"."price_count",
                  "t29"."price_type",
                  "t29"."price_free"
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
                  ) AS "t21"
                  INNER JOIN "t22" AS "t25"
                    ON "t21"."invoice_id" = "t25"."invoice_id"
                  LEFT OUTER JOIN "t8" AS "t18"
                    ON "t21"."price_id" = "t18"."price_id"
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
                        "t21"."subscription_id" = "t17"."subscription_id"
                        AND "t21"."period_end_at" = "t17"."period_end_at"
                    )
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
      CASE
        WHEN "t33"."first"
        THEN MAKE_DATE(CAST(1900 AS INT), CAST(1 AS INT), CAST(1 AS INT))
        ELSE "t33"."rate_on"
      END AS "valid_from",
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
        ) AS "t10"
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
), "t59" AS (
  SELECT
    "t58"."customer_id",
    "t58"."group",
    "t58"."day",
    "t58"."delta",
    "t58"."after",
    "t58"."after" - "t58"."delta" AS "before"
  FROM (
    SELECT
      "t57"."customer_id",
      "t57"."group",
      "t57"."day",
      "t57"."delta",
      SUM("t57"."delta") OVER (
        PARTITION BY "t57"."customer_id", "t57"."group"
        ORDER BY "t57"."day" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS "after"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t55"."customer_id",
          "t55"."group",
          "t55"."day",
          SUM("t55"."delta") AS "delta"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t51"."customer_id",
                'all' AS "group",
                "t51"."start_on" AS "day",
                "t51"."units" AS "delta"
              FROM "t50" AS "t51"
              WHERE
                "t51"."units" <> 0
            ) AS "t52"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                "t51"."customer_id",
                'all' AS "group",
                "t51"."end_on" AS "day",
                -(
                  "t51"."units"
                ) AS "delta"
              FROM "t50" AS "t51"
              WHERE
                "t51"."units" <> 0
            ) AS "t53"
          ) AS "t54"
          WHERE
            "t54"."day" <= MAKE_DATE(2026, 11, 1)
        ) AS "t55"
        GROUP BY
          1,
          2,
          3
      ) AS "t56"
      WHERE
        "t56"."delta" <> 0
    ) AS "t57"
  ) AS "t58"
)
SELECT
  "t71"."customer_id",
  "t71"."group",
  "t71"."first_on",
  "t6"."period" AS "month",
  "t71"."after" AS "mrr"
FROM (
  SELECT
    *
  FROM (
    SELECT
      "t68"."customer_id",
      "t68"."group",
      "t68"."day",
      "t68"."after",
      "t68"."first_on",
      LEAD("t68"."day") OVER (
        PARTITION BY "t68"."customer_id", "t68"."group"
        ORDER BY "t68"."day" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
      ) AS "until"
    FROM (
      SELECT
        "t61"."customer_id",
        "t61"."group",
        "t61"."day",
        "t61"."delta",
        "t61"."before",
        "t61"."after",
        "t67"."total_before",
        "t67"."total_after",
        "t67"."first_on",
        CASE
          WHEN (
            "t61"."delta" > 0
          )
          AND (
            "t67"."total_before" <= 0
          )
          AND (
            "t61"."day" = "t67"."first_on"
          )
          THEN 'new'
          WHEN (
            "t61"."delta" > 0
          ) AND (
            "t67"."total_before" <= 0
          )
          THEN 'reactivation'
          WHEN "t61"."delta" > 0
          THEN 'expansion'
          WHEN (
            "t61"."delta" < 0
          ) AND (
            "t67"."total_after" <= 0
          )
          THEN 'churn'
          ELSE 'contraction'
        END AS "movement"
      FROM "t59" AS "t61"
      INNER JOIN (
        SELECT
          "t65"."customer_id",
          "t65"."day",
          "t65"."total_before",
          "t65"."total_after",
          "t65"."first_on"
        FROM (
          SELECT
            "t64"."customer_id",
            "t64"."day",
            "t64"."total_delta",
            "t64"."total_after",
            "t64"."total_before",
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
              "t63"."total_delta",
              "t63"."total_after",
              "t63"."total_after" - "t63"."total_delta" AS "total_before"
            FROM (
              SELECT
                "t62"."customer_id",
                "t62"."day",
                "t62"."total_delta",
                SUM("t62"."total_delta") OVER (
                  PARTITION BY "t62"."customer_id"
                  ORDER BY "t62"."day" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS "total_after"
              FROM (
                SELECT
                  "t60"."customer_id",
                  "t60"."day",
                  SUM("t60"."delta") AS "total_delta"
                FROM "t59" AS "t60"
                GROUP BY
                  1,
                  2
              ) AS "t62"
            ) AS "t63"
          ) AS "t64"
        ) AS "t65"
      ) AS "t67"
        ON "t61"."customer_id" = "t67"."customer_id" AND "t61"."day" = "t67"."day"
    ) AS "t68"
  ) AS "t69"
  WHERE
    "t69"."after" > 0
) AS "t71"
INNER JOIN "ibis_memtable_0" AS "t6"
  ON "t71"."day" <= "t6"."period_end"
  AND (
    (
      "t71"."until" IS NULL
    ) OR (
      "t6"."period_end" < "t71"."until"
    )
  )
