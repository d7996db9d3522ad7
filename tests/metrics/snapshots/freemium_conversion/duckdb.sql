-- run while the expression is built (1 of 1)
WITH "t37" AS (
  SELECT
    "t36"."line_id",
    "t36"."customer_id",
    "t36"."subscription_id",
    "t36"."invoice_id",
    "t36"."price_id",
    "t36"."product_id",
    "t36"."currency",
    "t36"."start_on",
    "t36"."end_on",
    "t36"."is_free",
    "t36"."paid",
    CAST(SIGN(
      "t36"."monthly_minor" * CASE
        WHEN "t36"."currency" = 'USD'
        THEN 1.0
        ELSE "t25"."rate" * CASE
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
      END * 100
    ) * CAST(FLOOR(
      ABS(
        "t36"."monthly_minor" * CASE
          WHEN "t36"."currency" = 'USD'
          THEN 1.0
          ELSE "t25"."rate" * CASE
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
        END * 100
      ) + 0.5
    ) AS BIGINT) AS BIGINT) AS "units"
  FROM (
    SELECT
      "t34"."line_id",
      "t34"."invoice_id",
      "t34"."subscription_id",
      "t34"."subscription_item_id",
      "t34"."price_id",
      "t34"."kind",
      "t34"."amount_minor",
      UPPER(COALESCE("t34"."currency", "t34"."inv_currency")) AS "currency",
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
      "t34"."_end_at",
      "t34"."_anchor_at",
      "t34"."_anchor_share",
      CAST(CASE
        WHEN "t34"."_proration"
        THEN COALESCE("t34"."_anchor_at", "t34"."period_start_at")
        ELSE "t34"."period_start_at"
      END AS DATE) AS "fx_on",
      CAST("t34"."period_start_at" AS DATE) AS "start_on",
      CAST("t34"."_end_at" AS DATE) AS "end_on",
      "t34"."_monthly_list" * (
        1.0 - CASE
          WHEN "t34"."_proration"
          THEN COALESCE("t34"."_anchor_share", "t34"."_share")
          ELSE "t34"."_share"
        END
      ) AS "monthly_minor",
      COALESCE("t34"."price_free", FALSE) OR (
        COALESCE("t34"."unit", -1) = 0
      ) AS "is_free",
      "t34"."price_product" AS "product_id"
    FROM (
      SELECT
        "t33".*
        EXCLUDE ("period_end_at_right", "subscription_id_right")
      FROM (
        SELECT
          "t28"."line_id",
          "t28"."invoice_id",
          "t28"."subscription_id",
          "t28"."subscription_item_id",
          "t28"."price_id",
          "t28"."kind",
          "t28"."amount_minor",
          "t28"."currency",
          "t28"."quantity",
          "t28"."discount_minor",
          "t28"."tax_minor",
          "t28"."proration",
          "t28"."period_start_at",
          "t28"."period_end_at",
          "t28"."description",
          "t28"."_version_at",
          "t28"."customer_id",
          "t28"."inv_currency",
          "t28"."paid",
          "t28"."price_product",
          "t28"."unit",
          "t28"."price_interval",
          "t28"."price_count",
          "t28"."price_type",
          "t28"."price_free",
          "t28"."stop_at",
          "t28"."_proration",
          "t28"."_monthly_list",
          "t28"."_share",
          "t28"."_end_at",
          "t32"."subscription_id" AS "subscription_id_right",
          "t32"."period_end_at" AS "period_end_at_right",
          "t32"."_anchor_at",
          "t32"."_anchor_share"
        FROM (
          SELECT
            "t20"."line_id",
            "t20"."invoice_id",
            "t20"."subscription_id",
            "t20"."subscription_item_id",
            "t20"."price_id",
            "t20"."kind",
            "t20"."amount_minor",
            "t20"."currency",
            "t20"."quantity",
            "t20"."discount_minor",
            "t20"."tax_minor",
            "t20"."proration",
            "t20"."period_start_at",
            "t20"."period_end_at",
            "t20"."description",
            "t20"."_version_at",
            "t20"."customer_id",
            "t20"."inv_currency",
            "t20"."paid",
            "t20"."price_product",
            "t20"."unit",
            "t20"."price_interval",
            "t20"."price_count",
            "t20"."price_type",
            "t20"."price_free",
            "t20"."stop_at",
            COALESCE("t20"."proration", FALSE) AS "_proration",
            CASE
              WHEN COALESCE("t20"."proration", FALSE)
              THEN SIGN(CAST(COALESCE("t20"."amount_minor", 0) AS DOUBLE)) * COALESCE(
                CAST("t20"."unit" * COALESCE("t20"."quantity", 1) AS DOUBLE),
                (
                  ABS(CAST(COALESCE("t20"."amount_minor", 0) AS DOUBLE)) * (
                    COALESCE(
                      CASE
                        WHEN "t20"."price_interval" = 'day'
                        THEN 0.03287671232876712
                        WHEN "t20"."price_interval" = 'week'
                        THEN 0.23076923076923078
                        WHEN "t20"."price_interval" = 'month'
                        THEN 1.0
                        WHEN "t20"."price_interval" = 'year'
                        THEN 12.0
                        ELSE NULL
                      END * CAST(COALESCE("t20"."price_count", 1) AS DOUBLE),
                      (
                        CAST(EPOCH(CAST("t20"."period_end_at" AS TIMESTAMP)) - EPOCH(CAST("t20"."period_start_at" AS TIMESTAMP)) AS DOUBLE) / 86400
                      ) / 30.4375
                    ) * 30.4375
                  )
                ) / GREATEST(
                  CAST(EPOCH(CAST("t20"."period_end_at" AS TIMESTAMP)) - EPOCH(CAST("t20"."period_start_at" AS TIMESTAMP)) AS DOUBLE) / 86400,
                  0.041666666666666664
                )
              )
              ELSE CAST(COALESCE("t20"."amount_minor", 0) AS DOUBLE)
            END / COALESCE(
              CASE
                WHEN "t20"."price_interval" = 'day'
                THEN 0.03287671232876712
                WHEN "t20"."price_interval" = 'week'
                THEN 0.23076923076923078
                WHEN "t20"."price_interval" = 'month'
                THEN 1.0
                WHEN "t20"."price_interval" = 'year'
                THEN 12.0
                ELSE NULL
              END * CAST(COALESCE("t20"."price_count", 1) AS DOUBLE),
              (
                CAST(EPOCH(CAST("t20"."period_end_at" AS TIMESTAMP)) - EPOCH(CAST("t20"."period_start_at" AS TIMESTAMP)) AS DOUBLE) / 86400
              ) / 30.4375
            ) AS "_monthly_list",
            GREATEST(
              LEAST(
                CASE
                  WHEN CAST(COALESCE("t20"."amount_minor", 0) AS DOUBLE) = 0
                  THEN 0.0
                  ELSE CAST(COALESCE("t20"."discount_minor", 0) AS DOUBLE) / ABS(CAST(COALESCE("t20"."amount_minor", 0) AS DOUBLE))
                END,
                1.0
              ),
              0.0
            ) AS "_share",
            LEAST("t20"."period_end_at", COALESCE("t20"."stop_at", "t20"."period_end_at")) AS "_end_at"
          FROM (
            SELECT
              "t19".*
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
                "t15"."customer_id",
                "t15"."inv_currency",
                "t15"."paid",
                "t10"."price_id" AS "price_id_right",
                "t10"."price_product",
                "t10"."unit",
                "t10"."price_interval",
                "t10"."price_count",
                "t10"."price_type",
                "t10"."price_free",
                "t16"."subscription_id" AS "subscription_id_right",
                "t16"."stop_at"
              FROM "invoice_lines" AS "t5"
              INNER JOIN (
                SELECT
                  "t2"."invoice_id",
                  "t2"."customer_id",
                  "t2"."currency" AS "inv_currency",
                  "t2"."status" = 'paid' AS "paid"
                FROM "invoices" AS "t2"
                WHERE
                  (
                    "t2"."status" IS NULL
                  ) OR NOT (
                    "t2"."status" IN ('void', 'draft')
                  )
              ) AS "t15"
                ON "t5"."invoice_id" = "t15"."invoice_id"
              LEFT OUTER JOIN (
                SELECT
                  "t3"."price_id",
                  "t3"."product_id" AS "price_product",
                  "t3"."amount_minor" AS "unit",
                  "t3"."interval" AS "price_interval",
                  "t3"."interval_count" AS "price_count",
                  "t3"."type" AS "price_type",
                  "t3"."is_free" AS "price_free"
                FROM "prices" AS "t3"
              ) AS "t10"
                ON "t5"."price_id" = "t10"."price_id"
              LEFT OUTER JOIN (
                SELECT
                  "t4"."subscription_id",
                  COALESCE(
                    "t4"."ended_at",
                    CASE WHEN "t4"."status" = 'canceled' THEN "t4"."canceled_at" ELSE NULL END
                  ) AS "stop_at"
                FROM "subscriptions" AS "t4"
              ) AS "t16"
                ON "t5"."subscription_id" = "t16"."subscription_id"
            ) AS "t19"
          ) AS "t20"
          WHERE
            "t20"."subscription_id" IS NOT NULL
            AND (
              (
                "t20"."price_interval" IS NOT NULL
              )
              OR (
                (
                  "t20"."price_type" IS NULL
                ) AND (
                  "t20"."kind" = 'subscription'
                )
              )
            )
            AND "t20"."period_start_at" IS NOT NULL
            AND "t20"."period_end_at" IS NOT NULL
        ) AS "t28"
        LEFT OUTER JOIN (
          SELECT
            "t30"."subscription_id",
            "t30"."period_end_at",
            MIN("t30"."period_start_at") AS "_anchor_at",
            AVG("t30"."_share") AS "_anchor_share"
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
              "t29"."price_free",
              "t29"."stop_at",
              "t29"."_proration",
              "t29"."_monthly_list",
              "t29"."_share",
              "t29"."_end_at"
            FROM (
              SELECT
                "t20"."line_id",
                "t20"."invoice_id",
                "t20"."subscription_id",
                "t20"."subscription_item_id",
                "t20"."price_id",
                "t20"."kind",
                "t20"."amount_minor",
                "t20"."currency",
                "t20"."quantity",
                "t20"."discount_minor",
                "t20"."tax_minor",
                "t20"."proration",
                "t20"."period_start_at",
                "t20"."period_end_at",
                "t20"."description",
                "t20"."_version_at",
                "t20"."customer_id",
                "t20"."inv_currency",
                "t20"."paid",
                "t20"."price_product",
                "t20"."unit",
                "t20"."price_interval",
                "t20"."price_count",
                "t20"."price_type",
                "t20"."price_free",
                "t20"."stop_at",
                COALESCE("t20"."proration", FALSE) AS "_proration",
                CASE
                  WHEN COALESCE("t20"."proration", FALSE)
                  THEN SIGN(CAST(COALESCE("t20"."amount_minor", 0) AS DOUBLE)) * COALESCE(
                    CAST("t20"."unit" * COALESCE("t20"."quantity", 1) AS DOUBLE),
                    (
                      ABS(CAST(COALESCE("t20"."amount_minor", 0) AS DOUBLE)) * (
                        COALESCE(
                          CASE
                            WHEN "t20"."price_interval" = 'day'
                            THEN 0.03287671232876712
                            WHEN "t20"."price_interval" = 'week'
                            THEN 0.23076923076923078
                            WHEN "t20"."price_interval" = 'month'
                            THEN 1.0
                            WHEN "t20"."price_interval" = 'year'
                            THEN 12.0
                            ELSE NULL
                          END * CAST(COALESCE("t20"."price_count", 1) AS DOUBLE),
                          (
                            CAST(EPOCH(CAST("t20"."period_end_at" AS TIMESTAMP)) - EPOCH(CAST("t20"."period_start_at" AS TIMESTAMP)) AS DOUBLE) / 86400
                          ) / 30.4375
                        ) * 30.4375
                      )
                    ) / GREATEST(
                      CAST(EPOCH(CAST("t20"."period_end_at" AS TIMESTAMP)) - EPOCH(CAST("t20"."period_start_at" AS TIMESTAMP)) AS DOUBLE) / 86400,
                      0.041666666666666664
                    )
                  )
                  ELSE CAST(COALESCE("t20"."amount_minor", 0) AS DOUBLE)
                END / COALESCE(
                  CASE
                    WHEN "t20"."price_interval" = 'day'
                    THEN 0.03287671232876712
                    WHEN "t20"."price_interval" = 'week'
                    THEN 0.23076923076923078
                    WHEN "t20"."price_interval" = 'month'
                    THEN 1.0
                    WHEN "t20"."price_interval" = 'year'
                    THEN 12.0
                    ELSE NULL
                  END * CAST(COALESCE("t20"."price_count", 1) AS DOUBLE),
                  (
                    CAST(EPOCH(CAST("t20"."period_end_at" AS TIMESTAMP)) - EPOCH(CAST("t20"."period_start_at" AS TIMESTAMP)) AS DOUBLE) / 86400
                  ) / 30.4375
                ) AS "_monthly_list",
                GREATEST(
                  LEAST(
                    CASE
                      WHEN CAST(COALESCE("t20"."amount_minor", 0) AS DOUBLE) = 0
                      THEN 0.0
                      ELSE CAST(COALESCE("t20"."discount_minor", 0) AS DOUBLE) / ABS(CAST(COALESCE("t20"."amount_minor", 0) AS DOUBLE))
                    END,
                    1.0
                  ),
                  0.0
                ) AS "_share",
                LEAST("t20"."period_end_at", COALESCE("t20"."stop_at", "t20"."period_end_at")) AS "_end_at"
              FROM (
                SELECT
                  "t19".*
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
                    "t15"."customer_id",
                    "t15"."inv_currency",
                    "t15"."paid",
                    "t10"."price_id" AS "price_id_right",
                    "t10"."price_product",
                    "t10"."unit",
                    "t10"."price_interval",
                    "t10"."price_count",
                    "t10"."price_type",
                    "t10"."price_free",
                    "t16"."subscription_id" AS "subscription_id_right",
                    "t16"."stop_at"
                  FROM "invoice_lines" AS "t5"
                  INNER JOIN (
                    SELECT
                      "t2"."invoice_id",
                      "t2"."customer_id",
                      "t2"."currency" AS "inv_currency",
                      "t2"."status" = 'paid' AS "paid"
                    FROM "invoices" AS "t2"
                    WHERE
                      (
                        "t2"."status" IS NULL
                      ) OR NOT (
                        "t2"."status" IN ('void', 'draft')
                      )
                  ) AS "t15"
                    ON "t5"."invoice_id" = "t15"."invoice_id"
                  LEFT OUTER JOIN (
                    SELECT
                      "t3"."price_id",
                      "t3"."product_id" AS "price_product",
                      "t3"."amount_minor" AS "unit",
                      "t3"."interval" AS "price_interval",
                      "t3"."interval_count" AS "price_count",
                      "t3"."type" AS "price_type",
                      "t3"."is_free" AS "price_free"
                    FROM "prices" AS "t3"
                  ) AS "t10"
                    ON "t5"."price_id" = "t10"."price_id"
                  LEFT OUTER JOIN (
                    SELECT
                      "t4"."subscription_id",
                      COALESCE(
                        "t4"."ended_at",
                        CASE WHEN "t4"."status" = 'canceled' THEN "t4"."canceled_at" ELSE NULL END
                      ) AS "stop_at"
                    FROM "subscriptions" AS "t4"
                  ) AS "t16"
                    ON "t5"."subscription_id" = "t16"."subscription_id"
                ) AS "t19"
              ) AS "t20"
              WHERE
                "t20"."subscription_id" IS NOT NULL
                AND (
                  (
                    "t20"."price_interval" IS NOT NULL
                  )
                  OR (
                    (
                      "t20"."price_type" IS NULL
                    ) AND (
                      "t20"."kind" = 'subscription'
                    )
                  )
                )
                AND "t20"."period_start_at" IS NOT NULL
                AND "t20"."period_end_at" IS NOT NULL
                AND NOT (
                  COALESCE("t20"."proration", FALSE)
                )
            ) AS "t29"
            SEMI JOIN (
              SELECT DISTINCT
                "t20"."subscription_id",
                "t20"."period_end_at"
              FROM (
                SELECT
                  "t19".*
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
                    "t15"."customer_id",
                    "t15"."inv_currency",
                    "t15"."paid",
                    "t10"."price_id" AS "price_id_right",
                    "t10"."price_product",
                    "t10"."unit",
                    "t10"."price_interval",
                    "t10"."price_count",
                    "t10"."price_type",
                    "t10"."price_free",
                    "t16"."subscription_id" AS "subscription_id_right",
                    "t16"."stop_at"
                  FROM "invoice_lines" AS "t5"
                  INNER JOIN (
                    SELECT
                      "t2"."invoice_id",
                      "t2"."customer_id",
                      "t2"."currency" AS "inv_currency",
                      "t2"."status" = 'paid' AS "paid"
                    FROM "invoices" AS "t2"
                    WHERE
                      (
                        "t2"."status" IS NULL
                      ) OR NOT (
                        "t2"."status" IN ('void', 'draft')
                      )
                  ) AS "t15"
                    ON "t5"."invoice_id" = "t15"."invoice_id"
                  LEFT OUTER JOIN (
                    SELECT
                      "t3"."price_id",
                      "t3"."product_id" AS "price_product",
                      "t3"."amount_minor" AS "unit",
                      "t3"."interval" AS "price_interval",
                      "t3"."interval_count" AS "price_count",
                      "t3"."type" AS "price_type",
                      "t3"."is_free" AS "price_free"
                    FROM "prices" AS "t3"
                  ) AS "t10"
                    ON "t5"."price_id" = "t10"."price_id"
                  LEFT OUTER JOIN (
                    SELECT
                      "t4"."subscription_id",
                      COALESCE(
                        "t4"."ended_at",
                        CASE WHEN "t4"."status" = 'canceled' THEN "t4"."canceled_at" ELSE NULL END
                      ) AS "stop_at"
                    FROM "subscriptions" AS "t4"
                  ) AS "t16"
                    ON "t5"."subscription_id" = "t16"."subscription_id"
                ) AS "t19"
              ) AS "t20"
              WHERE
                "t20"."subscription_id" IS NOT NULL
                AND (
                  (
                    "t20"."price_interval" IS NOT NULL
                  )
                  OR (
                    (
                      "t20"."price_type" IS NULL
                    ) AND (
                      "t20"."kind" = 'subscription'
                    )
                  )
                )
                AND "t20"."period_start_at" IS NOT NULL
                AND "t20"."period_end_at" IS NOT NULL
                AND COALESCE("t20"."proration", FALSE)
            ) AS "t23"
              ON "t29"."subscription_id" = "t23"."subscription_id"
              AND "t29"."period_end_at" = "t23"."period_end_at"
          ) AS "t30"
          GROUP BY
            1,
            2
        ) AS "t32"
          ON "t28"."subscription_id" = "t32"."subscription_id"
          AND "t28"."period_end_at" = "t32"."period_end_at"
      ) AS "t33"
    ) AS "t34"
    WHERE
      CAST("t34"."period_start_at" AS DATE) < CAST("t34"."_end_at" AS DATE)
  ) AS "t36"
  LEFT OUTER JOIN (
    SELECT
      "t21"."currency",
      "t21"."rate",
      "t21"."valid_to",
      CASE WHEN "t21"."first" THEN MAKE_DATE(1900, 1, 1) ELSE "t21"."rate_on" END AS "valid_from"
    FROM (
      SELECT
        "t18"."currency",
        "t18"."rate_on",
        "t18"."rate",
        LEAD("t18"."rate_on") OVER (
          PARTITION BY "t18"."currency"
          ORDER BY "t18"."rate_on" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS "valid_to",
        (
          ROW_NUMBER() OVER (
            PARTITION BY "t18"."currency"
            ORDER BY "t18"."rate_on" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) - 1
        ) = 0 AS "first"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t0"."currency",
            "t0"."rate_on",
            "t0"."rate"
          FROM "fx_rates" AS "t0"
          WHERE
            "t0"."quote_currency" = 'USD'
        ) AS "t8"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            "t11"."currency",
            "t11"."rate_on",
            "t11"."rate"
          FROM (
            SELECT
              "t0"."quote_currency" AS "currency",
              "t0"."rate_on",
              1.0 / "t0"."rate" AS "rate"
            FROM "fx_rates" AS "t0"
            WHERE
              "t0"."currency" = 'USD' AND "t0"."rate" > 0
          ) AS "t11"
          ANTI JOIN (
            SELECT DISTINCT
              "t0"."currency"
            FROM "fx_rates" AS "t0"
            WHERE
              "t0"."quote_currency" = 'USD'
          ) AS "t12"
            ON "t11"."currency" = "t12"."currency"
        ) AS "t17"
      ) AS "t18"
    ) AS "t21"
  ) AS "t25"
    ON "t36"."currency" = "t25"."currency"
    AND "t36"."fx_on" >= "t25"."valid_from"
    AND (
      (
        "t25"."valid_to" IS NULL
      ) OR (
        "t36"."fx_on" < "t25"."valid_to"
      )
    )
)
SELECT
  "t47"."period",
  "t47"."free_customers",
  "t47"."converted",
  "t47"."median_days_to_convert",
  CASE
    WHEN "t47"."free_customers" > 0
    THEN CAST("t47"."converted" AS DOUBLE) / CAST("t47"."free_customers" AS DOUBLE)
    ELSE NULL
  END AS "conversion_rate"
FROM (
  SELECT
    "t46"."period",
    COUNT(*) AS "free_customers",
    SUM(CAST("t46"."converted" AS INT)) AS "converted",
    QUANTILE_CONT("t46"."days", 0.5) AS "median_days_to_convert"
  FROM (
    SELECT
      "t45"."customer_id",
      "t45"."first_free_on",
      "t45"."customer_id_right",
      "t45"."first_paid_on",
      DATE_TRUNC('MONTH', "t45"."first_free_on") AS "period",
      "t45"."first_paid_on" IS NOT NULL AS "converted",
      CASE
        WHEN "t45"."first_paid_on" IS NOT NULL
        THEN CAST(DATE_DIFF('DAY', "t45"."first_free_on", "t45"."first_paid_on") AS DOUBLE)
        ELSE NULL
      END AS "days"
    FROM (
      SELECT
        "t43"."customer_id",
        "t43"."first_free_on",
        "t44"."customer_id" AS "customer_id_right",
        "t44"."first_paid_on"
      FROM (
        SELECT
          "t39"."customer_id",
          MIN("t39"."start_on") AS "first_free_on"
        FROM (
          SELECT
            *
          FROM "t37" AS "t38"
          WHERE
            "t38"."is_free" AND "t38"."start_on" <= MAKE_DATE(2026, 11, 1)
        ) AS "t39"
        GROUP BY
          1
      ) AS "t43"
      LEFT OUTER JOIN (
        SELECT
          "t40"."customer_id",
          MIN("t40"."start_on") AS "first_paid_on"
        FROM (
          SELECT
            *
          FROM "t37" AS "t38"
          WHERE
            "t38"."units" > 0 AND "t38"."start_on" <= MAKE_DATE(2026, 11, 1)
        ) AS "t40"
        GROUP BY
          1
      ) AS "t44"
        ON "t43"."customer_id" = "t44"."customer_id"
    ) AS "t45"
    WHERE
      (
        "t45"."first_paid_on" IS NULL
      )
      OR (
        "t45"."first_paid_on" > "t45"."first_free_on"
      )
  ) AS "t46"
  GROUP BY
    1
) AS "t47"
ORDER BY
  "t47"."period" ASC;

-- the metric
SELECT
  *
FROM "ibis_memtable_0"
