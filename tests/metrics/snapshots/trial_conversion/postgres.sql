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
)
SELECT
  "t57"."period",
  "t57"."trials",
  "t57"."decided",
  "t57"."converted",
  "t57"."median_days_to_convert",
  CASE
    WHEN "t57"."decided" > 0
    THEN CAST("t57"."converted" AS DOUBLE PRECISION) / CAST("t57"."decided" AS DOUBLE PRECISION)
    ELSE NULL
  END AS "conversion_rate"
FROM (
  SELECT
    "t56"."period",
    COUNT(*) AS "trials",
    SUM(CAST(CAST("t56"."decided" AS INT) AS BIGINT)) AS "decided",
    SUM(CAST(CAST("t56"."converted" AS INT) AS BIGINT)) AS "converted",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      "t56"."days") AS "median_days_to_convert"
  FROM (
    SELECT
      "t55"."subscription_id",
      "t55"."customer_id",
      "t55"."status",
      "t55"."currency",
      "t55"."created_at",
      "t55"."started_at",
      "t55"."trial_start_at",
      "t55"."trial_end_at",
      "t55"."current_period_start_at",
      "t55"."current_period_end_at",
      "t55"."cancel_at_period_end",
      "t55"."cancel_at",
      "t55"."canceled_at",
      "t55"."ended_at",
      "t55"."cancellation_reason",
      "t55"."cancellation_feedback",
      "t55"."cancellation_comment",
      "t55"."coupon_id",
      "t55"."discount_start_at",
      "t55"."discount_end_at",
      "t55"."pause_behavior",
      "t55"."pause_resumes_at",
      "t55"."collection_method",
      "t55"."metadata",
      "t55"."_version_at",
      "t55"."subscription_id_right",
      "t55"."first_paid_on",
      DATE_TRUNC('MONTH', DATE("t55"."trial_start_at")) AS "period",
      (
        "t55"."first_paid_on" IS NOT NULL
      )
      AND (
        "t55"."first_paid_on" >= DATE("t55"."trial_start_at")
      ) AS "converted",
      (
        (
          "t55"."first_paid_on" IS NOT NULL
        )
        AND (
          "t55"."first_paid_on" >= DATE("t55"."trial_start_at")
        )
      )
      OR (
        (
          "t55"."trial_end_at" IS NOT NULL
        )
        AND (
          DATE("t55"."trial_end_at") <= MAKE_DATE(2026, 11, 1)
        )
      ) AS "decided",
      CASE
        WHEN (
          "t55"."first_paid_on" IS NOT NULL
        )
        AND (
          "t55"."first_paid_on" >= DATE("t55"."trial_start_at")
        )
        THEN CAST(CAST(EXTRACT(epoch FROM CAST("t55"."first_paid_on" AS TIMESTAMP) - CAST(DATE("t55"."trial_start_at") AS TIMESTAMP)) / 86400 AS BIGINT) AS DOUBLE PRECISION)
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
        "t54"."subscription_id" AS "subscription_id_right",
        "t54"."first_paid_on"
      FROM (
        SELECT
          *
        FROM "subscriptions" AS "t0"
        WHERE
          "t0"."trial_start_at" IS NOT NULL
          AND DATE("t0"."trial_start_at") <= MAKE_DATE(2026, 11, 1)
      ) AS "t20"
      LEFT OUTER JOIN (
        SELECT
          "t52"."subscription_id",
          MIN("t52"."start_on") AS "first_paid_on"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t50"."line_id",
              "t50"."customer_id",
              "t50"."subscription_id",
              "t50"."invoice_id",
              "t50"."price_id",
              "t50"."product_id",
              "t50"."currency",
              "t50"."start_on",
              "t50"."end_on",
              "t50"."is_free",
              "t50"."paid",
              CAST(SIGN(
                "t50"."monthly_minor" * CASE WHEN "t50"."currency" = 'USD' THEN 1.0 ELSE "t39"."minor" END * 100
              ) * CAST(FLOOR(
                ABS(
                  "t50"."monthly_minor" * CASE WHEN "t50"."currency" = 'USD' THEN 1.0 ELSE "t39"."minor" END * 100
                ) + 0.5
              ) AS BIGINT) AS BIGINT) AS "units"
            FROM (
              SELECT
                *
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
                  "t47"."_proration",
                  "t47"."_share",
                  "t47"."stop_at",
                  "t47"."_monthly_list",
                  "t47"."_end_at",
                  "t47"."_anchor_at",
                  "t47"."_anchor_share",
                  CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
                    days => CAST(CAST(FLOOR(
                      CAST(DATE_PART(
                        'epoch',
                        CASE
                          WHEN "t47"."_proration"
                          THEN COALESCE("t47"."_anchor_at", "t47"."period_start_at")
                          ELSE "t47"."period_start_at"
                        END
                      ) AS DOUBLE PRECISION) / 86400
                    ) AS BIGINT) AS INT)
                  ) AS TIMESTAMP) AS DATE) AS "fx_on",
                  CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
                    days => CAST(CAST(FLOOR(CAST(DATE_PART('epoch', "t47"."period_start_at") AS DOUBLE PRECISION) / 86400) AS BIGINT) AS INT)
                  ) AS TIMESTAMP) AS DATE) AS "start_on",
                  CAST(CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) + MAKE_INTERVAL(
                    days => CAST(CAST(FLOOR(CAST(DATE_PART('epoch', "t47"."_end_at") AS DOUBLE PRECISION) / 86400) AS BIGINT) AS INT)
                  ) AS TIMESTAMP) AS DATE) AS "end_on",
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
                    "t46"."_proration",
                    "t46"."_share",
                    "t46"."stop_at",
                    "t46"."_monthly_list",
                    "t46"."_end_at",
                    "t46"."_anchor_at",
                    "t46"."_anchor_share"
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
                      "t41"."subscription_id" AS "subscription_id_right",
                      "t41"."period_end_at" AS "period_end_at_right",
                      "t41"."_anchor_at",
                      "t41"."_anchor_share"
                    FROM (
                      SELECT
                        "t43"."line_id",
                        "t43"."invoice_id",
                        "t43"."subscription_id",
                        "t43"."subscription_item_id",
                        "t43"."price_id",
                        "t43"."kind",
                        "t43"."amount_minor",
                        "t43"."currency",
                        "t43"."quantity",
                        "t43"."discount_minor",
                        "t43"."tax_minor",
                        "t43"."proration",
                        "t43"."period_start_at",
                        "t43"."period_end_at",
                        "t43"."description",
                        "t43"."_version_at",
                        "t43"."customer_id",
                        "t43"."inv_currency",
                        "t43"."paid",
                        "t43"."price_product",
                        "t43"."unit",
                        "t43"."price_interval",
                        "t43"."price_count",
                        "t43"."price_type",
                        "t43"."price_free",
                        "t43"."_proration",
                        "t43"."_share",
                        "t43"."stop_at",
                        CAST(CASE
                          WHEN "t43"."_proration"
                          THEN SIGN(CAST(COALESCE("t43"."amount_minor", 0) AS DOUBLE PRECISION)) * COALESCE(
                            CAST("t43"."unit" * COALESCE("t43"."quantity", 1) AS DOUBLE PRECISION),
                            CAST((
                              ABS(CAST(COALESCE("t43"."amount_minor", 0) AS DOUBLE PRECISION)) * (
                                COALESCE(
                                  CASE
                                    WHEN "t43"."price_interval" = 'day'
                                    THEN 0.03287671232876712
                                    WHEN "t43"."price_interval" = 'week'
                                    THEN 0.23076923076923078
                                    WHEN "t43"."price_interval" = 'month'
                                    THEN 1.0
                                    WHEN "t43"."price_interval" = 'year'
                                    THEN 12.0
                                    ELSE NULL
                                  END * CAST(COALESCE("t43"."price_count", 1) AS DOUBLE PRECISION),
                                  CAST((
                                    CAST((
                                      DATE_PART('epoch', "t43"."period_end_at") - DATE_PART('epoch', "t43"."period_start_at")
                                    ) AS DOUBLE PRECISION) / 86400
                                  ) AS DOUBLE PRECISION) / 30.4375
                                ) * 30.4375
                              )
                            ) AS DOUBLE PRECISION) / GREATEST(
                              CAST((
                                DATE_PART('epoch', "t43"."period_end_at") - DATE_PART('epoch', "t43"."period_start_at")
                              ) AS DOUBLE PRECISION) / 86400,
                              0.041666666666666664
                            )
                          )
                          ELSE CAST(COALESCE("t43"."amount_minor", 0) AS DOUBLE PRECISION)
                        END AS DOUBLE PRECISION) / COALESCE(
                          CASE
                            WHEN "t43"."price_interval" = 'day'
                            THEN 0.03287671232876712
                            WHEN "t43"."price_interval" = 'week'
                            THEN 0.23076923076923078
                            WHEN "t43"."price_interval" = 'month'
                            THEN 1.0
                            WHEN "t43"."price_interval" = 'year'
                            THEN 12.0
                            ELSE NULL
                          END * CAST(COALESCE("t43"."price_count", 1) AS DOUBLE PRECISION),
                          CAST((
                            CAST((
                              DATE_PART('epoch', "t43"."period_end_at") - DATE_PART('epoch', "t43"."period_start_at")
                            ) AS DOUBLE PRECISION) / 86400
                          ) AS DOUBLE PRECISION) / 30.4375
                        ) AS "_monthly_list",
                        LEAST("t43"."period_end_at", COALESCE("t43"."stop_at", "t43"."period_end_at")) AS "_end_at"
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
                          "t42"."stop_at"
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
                            "t28"."subscription_id" AS "subscription_id_right",
                            "t28"."stop_at"
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
                                ) AS "t25"
                                  ON "t5"."invoice_id" = "t25"."invoice_id"
                                LEFT OUTER JOIN "t6" AS "t18"
                                  ON "t5"."price_id" = "t18"."price_id"
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
                          ) AS "t38"
                          LEFT OUTER JOIN (
                            SELECT
                              *
                            FROM (
                              SELECT
                                "t0"."subscription_id",
                                COALESCE(
                                  "t0"."ended_at",
                                  CASE WHEN "t0"."status" = 'canceled' THEN "t0"."canceled_at" ELSE NULL END
                                ) AS "stop_at"
                              FROM "subscriptions" AS "t0"
                            ) AS "t19"
                            WHERE
                              "t19"."stop_at" IS NOT NULL
                          ) AS "t28"
                            ON "t38"."subscription_id" = "t28"."subscription_id"
                        ) AS "t42"
                      ) AS "t43"
                    ) AS "t45"
                    LEFT OUTER JOIN (
                      SELECT
                        "t35"."subscription_id",
                        "t35"."period_end_at",
                        MIN("t35"."period_start_at") AS "_anchor_at",
                        AVG("t35"."_share") AS "_anchor_share"
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
                            "t30"."price_product",
                            "t30"."unit",
                            "t30"."price_interval",
                            "t30"."price_count",
                            "t30"."price_type",
                            "t30"."price_free"
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
                            LEFT OUTER JOIN "t6" AS "t17"
                              ON "t21"."price_id" = "t17"."price_id"
                            WHERE
                              EXISTS(
                                SELECT
                                  1
                                FROM (
                                  SELECT DISTINCT
                                    "t2"."subscription_id",
                                    "t2"."period_end_at"
                                  FROM "invoice_lines" AS "t2"
                                  WHERE
                                    COALESCE("t2"."proration", FALSE)
                                ) AS "t16"
                                WHERE
                                  "t21"."subscription_id" = "t16"."subscription_id"
                                  AND "t21"."period_end_at" = "t16"."period_end_at"
                              )
                              AND EXISTS(
                                SELECT
                                  1
                                FROM (
                                  SELECT
                                    "t3"."invoice_id"
                                  FROM "invoices" AS "t3"
                                  WHERE
                                    (
                                      "t3"."status" IS NULL
                                    ) OR NOT (
                                      "t3"."status" IN ('void', 'draft')
                                    )
                                ) AS "t24"
                                WHERE
                                  "t21"."invoice_id" = "t24"."invoice_id"
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
                      ) AS "t35"
                      GROUP BY
                        1,
                        2
                    ) AS "t41"
                      ON "t45"."subscription_id" = "t41"."subscription_id"
                      AND "t45"."period_end_at" = "t41"."period_end_at"
                  ) AS "t46"
                ) AS "t47"
              ) AS "t48"
              WHERE
                "t48"."start_on" < "t48"."end_on"
            ) AS "t50"
            LEFT OUTER JOIN (
              SELECT
                "t34"."currency",
                "t34"."rate",
                COALESCE("t34"."valid_to", MAKE_DATE(CAST(9999 AS INT), CAST(12 AS INT), CAST(31 AS INT))) AS "valid_to",
                CASE
                  WHEN "t34"."first"
                  THEN MAKE_DATE(CAST(1900 AS INT), CAST(1 AS INT), CAST(1 AS INT))
                  ELSE "t34"."rate_on"
                END AS "valid_from",
                CASE
                  WHEN "t34"."currency" = 'USD'
                  THEN 1.0
                  ELSE "t34"."rate" * CASE
                    WHEN "t34"."currency" IN (
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
                    WHEN "t34"."currency" IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
                    THEN 0.1
                    ELSE 1.0
                  END
                END AS "minor"
              FROM (
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
                  ) AS "t27"
                ) AS "t29"
              ) AS "t34"
            ) AS "t39"
              ON "t50"."currency" = "t39"."currency"
              AND "t50"."fx_on" >= "t39"."valid_from"
              AND "t50"."fx_on" < "t39"."valid_to"
          ) AS "t51"
          WHERE
            "t51"."units" > 0 AND "t51"."start_on" <= MAKE_DATE(2026, 11, 1)
        ) AS "t52"
        GROUP BY
          1
      ) AS "t54"
        ON "t20"."subscription_id" = "t54"."subscription_id"
    ) AS "t55"
  ) AS "t56"
  GROUP BY
    1
) AS "t57"
ORDER BY
  "t57"."period" ASC;

-- the metric
SELECT
  *
FROM "ibis_memtable_0"
