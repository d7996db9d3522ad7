-- run while the expression is built (1 of 2)
SELECT
  MIN("t0"."period_start_at") AS "Min(period_start_at)"
FROM "invoice_lines_versions" AS "t0";

-- run while the expression is built (2 of 2)
SELECT
  MIN("t0"."period_start_at") AS "Min(period_start_at)"
FROM "invoice_lines_versions" AS "t0";

-- the metric
WITH "t10" AS (
  SELECT
    "t6"."price_id",
    "t6"."product_id" AS "price_product",
    "t6"."amount_minor" AS "unit",
    "t6"."interval" AS "price_interval",
    "t6"."interval_count" AS "price_count",
    "t6"."type" AS "price_type",
    "t6"."is_free" AS "price_free"
  FROM "prices" AS "t6"
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
      "t53"."monthly_minor" * CASE WHEN "t53"."currency" = 'USD' THEN 1.0 ELSE "t42"."minor" END * 100
    ) * CAST(FLOOR(
      ABS(
        "t53"."monthly_minor" * CASE WHEN "t53"."currency" = 'USD' THEN 1.0 ELSE "t42"."minor" END * 100
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
                  "t32"."subscription_id" AS "subscription_id_right",
                  "t32"."stop_at"
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
                        "t8"."line_id",
                        "t8"."invoice_id",
                        "t8"."subscription_id",
                        "t8"."subscription_item_id",
                        "t8"."price_id",
                        "t8"."kind",
                        "t8"."amount_minor",
                        "t8"."currency",
                        "t8"."quantity",
                        "t8"."discount_minor",
                        "t8"."tax_minor",
                        "t8"."proration",
                        "t8"."period_start_at",
                        "t8"."period_end_at",
                        "t8"."description",
                        "t8"."_version_at",
                        "t28"."customer_id",
                        "t28"."inv_currency",
                        "t28"."paid",
                        "t22"."price_id" AS "price_id_right",
                        "t22"."price_product",
                        "t22"."unit",
                        "t22"."price_interval",
                        "t22"."price_count",
                        "t22"."price_type",
                        "t22"."price_free"
                      FROM "invoice_lines" AS "t8"
                      INNER JOIN (
                        SELECT
                          "t5"."invoice_id",
                          "t5"."customer_id",
                          "t5"."currency" AS "inv_currency",
                          "t5"."status" = 'paid' AS "paid"
                        FROM "invoices" AS "t5"
                        WHERE
                          (
                            "t5"."status" IS NULL
                          ) OR NOT (
                            "t5"."status" IN ('void', 'draft')
                          )
                      ) AS "t28"
                        ON "t8"."invoice_id" = "t28"."invoice_id"
                      LEFT OUTER JOIN "t10" AS "t22"
                        ON "t8"."price_id" = "t22"."price_id"
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
                ) AS "t41"
                LEFT OUTER JOIN (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t3"."subscription_id",
                      COALESCE(
                        "t3"."ended_at",
                        CASE WHEN "t3"."status" = 'canceled' THEN "t3"."canceled_at" ELSE NULL END
                      ) AS "stop_at"
                    FROM "subscriptions" AS "t3"
                  ) AS "t23"
                  WHERE
                    "t23"."stop_at" IS NOT NULL
                ) AS "t32"
                  ON "t41"."subscription_id" = "t32"."subscription_id"
              ) AS "t45"
            ) AS "t46"
          ) AS "t48"
          LEFT OUTER JOIN (
            SELECT
              "t38"."subscription_id",
              "t38"."period_end_at",
              MIN("t38"."period_start_at") AS "_anchor_at",
              AVG("t38"."_share") AS "_anchor_share"
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
                  "t33"."price_product",
                  "t33"."unit",
                  "t33"."price_interval",
                  "t33"."price_count",
                  "t33"."price_type",
                  "t33"."price_free"
                FROM (
                  SELECT
                    "t24"."line_id",
                    "t24"."invoice_id",
                    "t24"."subscription_id",
                    "t24"."subscription_item_id",
                    "t24"."price_id",
                    "t24"."kind",
                    "t24"."amount_minor",
                    "t24"."currency",
                    "t24"."quantity",
                    "t24"."discount_minor",
                    "t24"."tax_minor",
                    "t24"."proration",
                    "t24"."period_start_at",
                    "t24"."period_end_at",
                    "t24"."description",
                    "t24"."_version_at",
                    "t21"."price_id" AS "price_id_right",
                    "t21"."price_product",
                    "t21"."unit",
                    "t21"."price_interval",
                    "t21"."price_count",
                    "t21"."price_type",
                    "t21"."price_free"
                  FROM (
                    SELECT
                      *
                    FROM "invoice_lines" AS "t4"
                    WHERE
                      NOT (
                        COALESCE("t4"."proration", FALSE)
                      )
                  ) AS "t24"
                  LEFT OUTER JOIN "t10" AS "t21"
                    ON "t24"."price_id" = "t21"."price_id"
                  WHERE
                    EXISTS(
                      SELECT
                        1
                      FROM (
                        SELECT DISTINCT
                          "t4"."subscription_id",
                          "t4"."period_end_at"
                        FROM "invoice_lines" AS "t4"
                        WHERE
                          COALESCE("t4"."proration", FALSE)
                      ) AS "t20"
                      WHERE
                        "t24"."subscription_id" = "t20"."subscription_id"
                        AND "t24"."period_end_at" = "t20"."period_end_at"
                    )
                    AND EXISTS(
                      SELECT
                        1
                      FROM (
                        SELECT
                          "t5"."invoice_id"
                        FROM "invoices" AS "t5"
                        WHERE
                          (
                            "t5"."status" IS NULL
                          ) OR NOT (
                            "t5"."status" IN ('void', 'draft')
                          )
                      ) AS "t27"
                      WHERE
                        "t24"."invoice_id" = "t27"."invoice_id"
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
            ) AS "t38"
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
      COALESCE("t37"."valid_to", MAKE_DATE(CAST(9999 AS INT), CAST(12 AS INT), CAST(31 AS INT))) AS "valid_to",
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
        "t31"."currency",
        "t31"."rate_on",
        "t31"."rate",
        LEAD("t31"."rate_on") OVER (
          PARTITION BY "t31"."currency"
          ORDER BY "t31"."rate_on" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS "valid_to",
        (
          ROW_NUMBER() OVER (
            PARTITION BY "t31"."currency"
            ORDER BY "t31"."rate_on" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) - 1
        ) = 0 AS "first"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t2"."currency",
            "t2"."rate_on",
            "t2"."rate"
          FROM "fx_rates" AS "t2"
          WHERE
            "t2"."quote_currency" = 'USD'
        ) AS "t13"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            "t17"."currency",
            "t17"."rate_on",
            "t17"."rate"
          FROM (
            SELECT
              "t2"."quote_currency" AS "currency",
              "t2"."rate_on",
              CAST(1.0 AS DOUBLE PRECISION) / "t2"."rate" AS "rate"
            FROM "fx_rates" AS "t2"
            WHERE
              "t2"."currency" = 'USD' AND "t2"."rate" > 0
          ) AS "t17"
          WHERE
            NOT EXISTS(
              SELECT
                1
              FROM (
                SELECT DISTINCT
                  "t2"."currency"
                FROM "fx_rates" AS "t2"
                WHERE
                  "t2"."quote_currency" = 'USD'
              ) AS "t18"
              WHERE
                "t17"."currency" = "t18"."currency"
            )
        ) AS "t29"
      ) AS "t31"
    ) AS "t37"
  ) AS "t42"
    ON "t53"."currency" = "t42"."currency"
    AND "t53"."fx_on" >= "t42"."valid_from"
    AND "t53"."fx_on" < "t42"."valid_to"
), "t64" AS (
  SELECT
    "t63"."customer_id",
    "t63"."day",
    "t63"."delta",
    "t63"."after",
    "t63"."until",
    "t63"."before",
    "t63"."total_before",
    "t63"."total_after",
    MIN(
      CASE
        WHEN (
          "t63"."total_before" <= 0
        ) AND (
          "t63"."total_after" > 0
        )
        THEN "t63"."day"
        ELSE NULL
      END
    ) OVER (
      PARTITION BY "t63"."customer_id"
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "first_on"
  FROM (
    SELECT
      "t62"."customer_id",
      "t62"."day",
      "t62"."delta",
      "t62"."after",
      "t62"."until",
      "t62"."after" - "t62"."delta" AS "before",
      "t62"."after" - "t62"."delta" AS "total_before",
      "t62"."after" AS "total_after"
    FROM (
      SELECT
        "t61"."customer_id",
        "t61"."day",
        "t61"."delta",
        SUM("t61"."delta") OVER (
          PARTITION BY "t61"."customer_id"
          ORDER BY "t61"."day" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS "after",
        LEAD("t61"."day") OVER (
          PARTITION BY "t61"."customer_id"
          ORDER BY "t61"."day" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS "until"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t59"."customer_id",
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
            2
        ) AS "t60"
        WHERE
          "t60"."delta" <> 0
      ) AS "t61"
    ) AS "t62"
  ) AS "t63"
), "t76" AS (
  SELECT
    "t73"."cohort_on",
    "t73"."group",
    "t73"."month",
    COUNT(*) AS "customers",
    SUM("t73"."mrr") AS "mrr_u"
  FROM (
    SELECT
      "t71"."customer_id",
      "t71"."group",
      "t71"."month",
      "t71"."mrr",
      "t71"."cohort_on"
    FROM (
      SELECT
        "t69"."customer_id",
        "t69"."group",
        "t69"."first_on",
        "t69"."month",
        "t69"."mrr",
        DATE_TRUNC('MONTH', "t69"."first_on") AS "cohort_on"
      FROM (
        SELECT
          "t67"."customer_id",
          "t67"."group",
          "t67"."first_on",
          "t7"."period" AS "month",
          "t67"."after" AS "mrr"
        FROM (
          SELECT
            "t65"."customer_id",
            'all' AS "group",
            "t65"."day",
            "t65"."after",
            "t65"."first_on",
            "t65"."until"
          FROM "t64" AS "t65"
          WHERE
            "t65"."after" > 0
        ) AS "t67"
        INNER JOIN "ibis_memtable_0" AS "t7"
          ON "t67"."day" <= "t7"."period_end"
          AND (
            (
              "t67"."until" IS NULL
            ) OR (
              "t7"."period_end" < "t67"."until"
            )
          )
      ) AS "t69"
    ) AS "t71"
  ) AS "t73"
  GROUP BY
    1,
    2,
    3
)
SELECT
  *
FROM (
  SELECT
    TO_CHAR("t87"."cohort_on", 'YYYY-MM') AS "cohort",
    "t87"."group",
    (
      (
        (
          EXTRACT(year FROM "t87"."month") - EXTRACT(year FROM "t87"."cohort_on")
        ) * 12
      ) + EXTRACT(month FROM "t87"."month")
    ) - EXTRACT(month FROM "t87"."cohort_on") AS "period_index",
    TO_CHAR("t87"."month", 'YYYY-MM') AS "period",
    "t87"."cohort_customers",
    COALESCE("t87"."customers", 0) AS "customers",
    CAST(COALESCE("t87"."customers", 0) AS DOUBLE PRECISION) / CAST("t87"."cohort_customers" AS DOUBLE PRECISION) AS "logo_retention",
    CAST(COALESCE("t87"."cohort_mrr_u", 0) AS DOUBLE PRECISION) / 10000 AS "cohort_mrr",
    CAST(COALESCE("t87"."mrr_u", 0) AS DOUBLE PRECISION) / 10000 AS "mrr",
    CASE
      WHEN COALESCE("t87"."cohort_mrr_u", 0) > 0
      THEN CAST(COALESCE("t87"."mrr_u", 0) AS DOUBLE PRECISION) / CAST(COALESCE("t87"."cohort_mrr_u", 0) AS DOUBLE PRECISION)
      ELSE NULL
    END AS "mrr_retention"
  FROM (
    SELECT
      "t86"."cohort_on",
      "t86"."group",
      "t86"."cohort_customers",
      "t86"."month",
      "t86"."customers",
      "t86"."mrr_u",
      "t86"."cohort_mrr_u"
    FROM (
      SELECT
        "t85"."cohort_on",
        "t85"."group",
        "t85"."cohort_customers",
        "t85"."month",
        "t85"."customers",
        "t85"."mrr_u",
        "t82"."cohort_on" AS "cohort_on_right",
        "t82"."group" AS "group_right",
        "t82"."cohort_mrr_u"
      FROM (
        SELECT
          "t83"."cohort_on",
          "t83"."group",
          "t83"."cohort_customers",
          "t83"."month",
          "t83"."customers",
          "t83"."mrr_u"
        FROM (
          SELECT
            "t80"."cohort_on",
            "t80"."group",
            "t80"."cohort_customers",
            "t80"."month",
            "t78"."cohort_on" AS "cohort_on_right",
            "t78"."group" AS "group_right",
            "t78"."month" AS "month_right",
            "t78"."customers",
            "t78"."mrr_u"
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t74"."cohort_on",
                "t74"."group",
                "t74"."cohort_customers",
                "t11"."month"
              FROM (
                SELECT
                  "t70"."cohort_on",
                  "t70"."group",
                  COUNT(DISTINCT "t70"."customer_id") AS "cohort_customers"
                FROM (
                  SELECT
                    "t68"."customer_id",
                    "t68"."group",
                    DATE_TRUNC('MONTH', "t68"."day") AS "cohort_on"
                  FROM (
                    SELECT
                      "t65"."customer_id",
                      'all' AS "group",
                      "t65"."day",
                      "t65"."delta",
                      "t65"."before",
                      "t65"."after",
                      "t65"."total_before",
                      "t65"."total_after",
                      "t65"."first_on",
                      "t65"."until",
                      CASE
                        WHEN (
                          "t65"."delta" > 0
                        )
                        AND (
                          "t65"."total_before" <= 0
                        )
                        AND (
                          "t65"."day" = "t65"."first_on"
                        )
                        THEN 'new'
                        WHEN (
                          "t65"."delta" > 0
                        ) AND (
                          "t65"."total_before" <= 0
                        )
                        THEN 'reactivation'
                        WHEN "t65"."delta" > 0
                        THEN 'expansion'
                        WHEN (
                          "t65"."delta" < 0
                        ) AND (
                          "t65"."total_after" <= 0
                        )
                        THEN 'churn'
                        ELSE 'contraction'
                      END AS "movement"
                    FROM "t64" AS "t65"
                  ) AS "t68"
                  WHERE
                    "t68"."movement" = 'new'
                ) AS "t70"
                GROUP BY
                  1,
                  2
              ) AS "t74"
              CROSS JOIN (
                SELECT
                  "t0"."period" AS "month"
                FROM "ibis_memtable_1" AS "t0"
              ) AS "t11"
            ) AS "t75"
            WHERE
              "t75"."month" >= "t75"."cohort_on"
          ) AS "t80"
          LEFT OUTER JOIN "t76" AS "t78"
            ON "t80"."cohort_on" = "t78"."cohort_on"
            AND "t80"."group" = "t78"."group"
            AND "t80"."month" = "t78"."month"
        ) AS "t83"
      ) AS "t85"
      LEFT OUTER JOIN (
        SELECT
          "t77"."cohort_on",
          "t77"."group",
          "t77"."mrr_u" AS "cohort_mrr_u"
        FROM "t76" AS "t77"
        WHERE
          "t77"."month" = "t77"."cohort_on"
      ) AS "t82"
        ON "t85"."cohort_on" = "t82"."cohort_on" AND "t85"."group" = "t82"."group"
    ) AS "t86"
  ) AS "t87"
) AS "t88"
ORDER BY
  "t88"."group" ASC,
  "t88"."cohort" ASC,
  "t88"."period_index" ASC
