-- the metric
WITH `t8` AS (
  SELECT
    `t6`.`price_id`,
    `t6`.`product_id` AS `price_product`,
    `t6`.`amount_minor` AS `unit`,
    `t6`.`interval` AS `price_interval`,
    `t6`.`interval_count` AS `price_count`,
    `t6`.`type` AS `price_type`,
    `t6`.`is_free` AS `price_free`
  FROM `prices` AS `t6`
)
SELECT
  COUNT(*) AS `signed_up`,
  SUM(CAST(`t74`.`_used` AS INT)) AS `used_product`,
  SUM(CAST(`t74`.`_did` AS INT)) AS `key_action`,
  SUM(CAST(`t74`.`_activated` AS INT)) AS `activated`,
  SUM(CAST(`t74`.`_paid` AS INT)) AS `paid`,
  PERCENTILE(`t74`.`_days`, 0.5) AS `median_days_to_key_action`
FROM (
  SELECT
    `t73`.`customer_id`,
    `t73`.`created_at`,
    `t73`.`first_key_at`,
    `t73`.`used`,
    `t73`.`paid`,
    COALESCE(`t73`.`used`, FALSE) OR (
      `t73`.`first_key_at` IS NOT NULL
    ) AS `_used`,
    `t73`.`first_key_at` IS NOT NULL AS `_did`,
    (
      `t73`.`first_key_at` IS NOT NULL
    )
    AND (
      (
        CAST(UNIX_TIMESTAMP(CAST(`t73`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t73`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
      ) <= 14
    ) AS `_activated`,
    (
      `t73`.`first_key_at` IS NOT NULL
    )
    AND (
      (
        CAST(UNIX_TIMESTAMP(CAST(`t73`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t73`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
      ) <= 14
    )
    AND COALESCE(`t73`.`paid`, FALSE) AS `_paid`,
    IF(
      `t73`.`first_key_at` IS NOT NULL,
      CAST(UNIX_TIMESTAMP(CAST(`t73`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t73`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400,
      NULL
    ) AS `_days`
  FROM (
    SELECT
      `t72`.`customer_id`,
      `t72`.`created_at`,
      `t72`.`first_key_at`,
      `t72`.`used`,
      `t72`.`paid`
    FROM (
      SELECT
        `t60`.`customer_id`,
        `t60`.`created_at`,
        `t60`.`first_key_at`,
        `t60`.`used`,
        `t71`.`customer_id` AS `customer_id_right`,
        `t71`.`paid`
      FROM (
        SELECT
          `t58`.`customer_id`,
          `t58`.`created_at`,
          `t58`.`first_key_at`,
          `t58`.`used`
        FROM (
          SELECT
            `t54`.`customer_id`,
            `t54`.`created_at`,
            `t54`.`first_key_at`,
            `t42`.`customer_id` AS `customer_id_right`,
            `t42`.`used`
          FROM (
            SELECT
              `t48`.`customer_id`,
              `t48`.`created_at`,
              `t48`.`first_key_at`
            FROM (
              SELECT
                `t40`.`customer_id`,
                `t40`.`created_at`,
                `t45`.`customer_id` AS `customer_id_right`,
                `t45`.`first_key_at`
              FROM (
                SELECT
                  `t32`.`customer_id`,
                  `t32`.`created_at`
                FROM (
                  SELECT
                    *
                  FROM `customers` AS `t1`
                  WHERE
                    CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(CAST(FLOOR(UNIX_TIMESTAMP(`t1`.`created_at`) / 86400) AS BIGINT), ' days') AS INTERVAL) AS TIMESTAMP) AS DATE) <= MAKE_DATE(2026, 11, 1)
                ) AS `t32`
              ) AS `t40`
              LEFT OUTER JOIN (
                SELECT
                  `t39`.`customer_id`,
                  MIN(`t39`.`occurred_at`) AS `first_key_at`
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM `events` AS `t0`
                    WHERE
                      `t0`.`type` = 'track'
                      AND `t0`.`event` = 'Report Created'
                      AND `t0`.`customer_id` IS NOT NULL
                  ) AS `t9`
                  WHERE
                    CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(CAST(FLOOR(UNIX_TIMESTAMP(`t9`.`occurred_at`) / 86400) AS BIGINT), ' days') AS INTERVAL) AS TIMESTAMP) AS DATE) <= MAKE_DATE(2026, 11, 1)
                ) AS `t39`
                GROUP BY
                  1
              ) AS `t45`
                ON `t40`.`customer_id` = `t45`.`customer_id`
            ) AS `t48`
          ) AS `t54`
          LEFT OUTER JOIN (
            SELECT
              `t37`.`customer_id`,
              TRUE AS `used`
            FROM (
              SELECT DISTINCT
                `t31`.`customer_id`
              FROM (
                SELECT
                  *
                FROM `events` AS `t0`
                WHERE
                  `t0`.`type` IN ('track', 'page', 'screen')
                  AND `t0`.`customer_id` IS NOT NULL
                  AND CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(CAST(FLOOR(UNIX_TIMESTAMP(`t0`.`occurred_at`) / 86400) AS BIGINT), ' days') AS INTERVAL) AS TIMESTAMP) AS DATE) <= MAKE_DATE(2026, 11, 1)
              ) AS `t31`
            ) AS `t37`
          ) AS `t42`
            ON `t54`.`customer_id` = `t42`.`customer_id`
        ) AS `t58`
      ) AS `t60`
      LEFT OUTER JOIN (
        SELECT
          `t69`.`customer_id`,
          TRUE AS `paid`
        FROM (
          SELECT DISTINCT
            `t68`.`customer_id`
          FROM (
            SELECT
              `t67`.`line_id`,
              `t67`.`customer_id`,
              `t67`.`subscription_id`,
              `t67`.`invoice_id`,
              `t67`.`price_id`,
              `t67`.`product_id`,
              `t67`.`currency`,
              `t67`.`start_on`,
              `t67`.`end_on`,
              `t67`.`is_free`,
              `t67`.`paid`,
              CAST(SIGN(`t67`.`monthly_minor` * IF(`t67`.`currency` = 'USD', 1.0, `t51`.`minor`) * 100) * CAST(FLOOR(
                ABS(`t67`.`monthly_minor` * IF(`t67`.`currency` = 'USD', 1.0, `t51`.`minor`) * 100) + 0.5
              ) AS BIGINT) AS BIGINT) AS `units`
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  `t64`.`line_id`,
                  `t64`.`invoice_id`,
                  `t64`.`subscription_id`,
                  `t64`.`subscription_item_id`,
                  `t64`.`price_id`,
                  `t64`.`kind`,
                  `t64`.`amount_minor`,
                  UPPER(COALESCE(`t64`.`currency`, `t64`.`inv_currency`)) AS `currency`,
                  `t64`.`quantity`,
                  `t64`.`discount_minor`,
                  `t64`.`tax_minor`,
                  `t64`.`proration`,
                  `t64`.`period_start_at`,
                  `t64`.`period_end_at`,
                  `t64`.`description`,
                  `t64`.`_version_at`,
                  `t64`.`customer_id`,
                  `t64`.`inv_currency`,
                  `t64`.`paid`,
                  `t64`.`price_product`,
                  `t64`.`unit`,
                  `t64`.`price_interval`,
                  `t64`.`price_count`,
                  `t64`.`price_type`,
                  `t64`.`price_free`,
                  `t64`.`_proration`,
                  `t64`.`_share`,
                  `t64`.`stop_at`,
                  `t64`.`_monthly_list`,
                  `t64`.`_end_at`,
                  `t64`.`_anchor_at`,
                  `t64`.`_anchor_share`,
                  CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(
                    CAST(FLOOR(
                      UNIX_TIMESTAMP(
                        IF(
                          `t64`.`_proration`,
                          COALESCE(`t64`.`_anchor_at`, `t64`.`period_start_at`),
                          `t64`.`period_start_at`
                        )
                      ) / 86400
                    ) AS BIGINT),
                    ' days'
                  ) AS INTERVAL) AS TIMESTAMP) AS DATE) AS `fx_on`,
                  CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(CAST(FLOOR(UNIX_TIMESTAMP(`t64`.`period_start_at`) / 86400) AS BIGINT), ' days') AS INTERVAL) AS TIMESTAMP) AS DATE) AS `start_on`,
                  CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(CAST(FLOOR(UNIX_TIMESTAMP(`t64`.`_end_at`) / 86400) AS BIGINT), ' days') AS INTERVAL) AS TIMESTAMP) AS DATE) AS `end_on`,
                  `t64`.`_monthly_list` * (
                    1.0 - IF(`t64`.`_proration`, COALESCE(`t64`.`_anchor_share`, `t64`.`_share`), `t64`.`_share`)
                  ) AS `monthly_minor`,
                  COALESCE(`t64`.`price_free`, FALSE) OR (
                    COALESCE(`t64`.`unit`, -1) = 0
                  ) AS `is_free`,
                  `t64`.`price_product` AS `product_id`
                FROM (
                  SELECT
                    `t63`.`line_id`,
                    `t63`.`invoice_id`,
                    `t63`.`subscription_id`,
                    `t63`.`subscription_item_id`,
                    `t63`.`price_id`,
                    `t63`.`kind`,
                    `t63`.`amount_minor`,
                    `t63`.`currency`,
                    `t63`.`quantity`,
                    `t63`.`discount_minor`,
                    `t63`.`tax_minor`,
                    `t63`.`proration`,
                    `t63`.`period_start_at`,
                    `t63`.`period_end_at`,
                    `t63`.`description`,
                    `t63`.`_version_at`,
                    `t63`.`customer_id`,
                    `t63`.`inv_currency`,
                    `t63`.`paid`,
                    `t63`.`price_product`,
                    `t63`.`unit`,
                    `t63`.`price_interval`,
                    `t63`.`price_count`,
                    `t63`.`price_type`,
                    `t63`.`price_free`,
                    `t63`.`_proration`,
                    `t63`.`_share`,
                    `t63`.`stop_at`,
                    `t63`.`_monthly_list`,
                    `t63`.`_end_at`,
                    `t63`.`_anchor_at`,
                    `t63`.`_anchor_share`
                  FROM (
                    SELECT
                      `t62`.`line_id`,
                      `t62`.`invoice_id`,
                      `t62`.`subscription_id`,
                      `t62`.`subscription_item_id`,
                      `t62`.`price_id`,
                      `t62`.`kind`,
                      `t62`.`amount_minor`,
                      `t62`.`currency`,
                      `t62`.`quantity`,
                      `t62`.`discount_minor`,
                      `t62`.`tax_minor`,
                      `t62`.`proration`,
                      `t62`.`period_start_at`,
                      `t62`.`period_end_at`,
                      `t62`.`description`,
                      `t62`.`_version_at`,
                      `t62`.`customer_id`,
                      `t62`.`inv_currency`,
                      `t62`.`paid`,
                      `t62`.`price_product`,
                      `t62`.`unit`,
                      `t62`.`price_interval`,
                      `t62`.`price_count`,
                      `t62`.`price_type`,
                      `t62`.`price_free`,
                      `t62`.`_proration`,
                      `t62`.`_share`,
                      `t62`.`stop_at`,
                      `t62`.`_monthly_list`,
                      `t62`.`_end_at`,
                      `t55`.`subscription_id` AS `subscription_id_right`,
                      `t55`.`period_end_at` AS `period_end_at_right`,
                      `t55`.`_anchor_at`,
                      `t55`.`_anchor_share`
                    FROM (
                      SELECT
                        `t57`.`line_id`,
                        `t57`.`invoice_id`,
                        `t57`.`subscription_id`,
                        `t57`.`subscription_item_id`,
                        `t57`.`price_id`,
                        `t57`.`kind`,
                        `t57`.`amount_minor`,
                        `t57`.`currency`,
                        `t57`.`quantity`,
                        `t57`.`discount_minor`,
                        `t57`.`tax_minor`,
                        `t57`.`proration`,
                        `t57`.`period_start_at`,
                        `t57`.`period_end_at`,
                        `t57`.`description`,
                        `t57`.`_version_at`,
                        `t57`.`customer_id`,
                        `t57`.`inv_currency`,
                        `t57`.`paid`,
                        `t57`.`price_product`,
                        `t57`.`unit`,
                        `t57`.`price_interval`,
                        `t57`.`price_count`,
                        `t57`.`price_type`,
                        `t57`.`price_free`,
                        `t57`.`_proration`,
                        `t57`.`_share`,
                        `t57`.`stop_at`,
                        IF(
                          `t57`.`_proration`,
                          SIGN(CAST(COALESCE(`t57`.`amount_minor`, 0) AS DOUBLE)) * COALESCE(
                            CAST(`t57`.`unit` * COALESCE(`t57`.`quantity`, 1) AS DOUBLE),
                            (
                              ABS(CAST(COALESCE(`t57`.`amount_minor`, 0) AS DOUBLE)) * (
                                COALESCE(
                                  CASE
                                    WHEN `t57`.`price_interval` = 'day'
                                    THEN 0.03287671232876712
                                    WHEN `t57`.`price_interval` = 'week'
                                    THEN 0.23076923076923078
                                    WHEN `t57`.`price_interval` = 'month'
                                    THEN 1.0
                                    WHEN `t57`.`price_interval` = 'year'
                                    THEN 12.0
                                    ELSE NULL
                                  END * CAST(COALESCE(`t57`.`price_count`, 1) AS DOUBLE),
                                  (
                                    (
                                      UNIX_TIMESTAMP(`t57`.`period_end_at`) - UNIX_TIMESTAMP(`t57`.`period_start_at`)
                                    ) / 86400
                                  ) / 30.4375
                                ) * 30.4375
                              )
                            ) / GREATEST(
                              (
                                UNIX_TIMESTAMP(`t57`.`period_end_at`) - UNIX_TIMESTAMP(`t57`.`period_start_at`)
                              ) / 86400,
                              0.041666666666666664
                            )
                          ),
                          CAST(COALESCE(`t57`.`amount_minor`, 0) AS DOUBLE)
                        ) / COALESCE(
                          CASE
                            WHEN `t57`.`price_interval` = 'day'
                            THEN 0.03287671232876712
                            WHEN `t57`.`price_interval` = 'week'
                            THEN 0.23076923076923078
                            WHEN `t57`.`price_interval` = 'month'
                            THEN 1.0
                            WHEN `t57`.`price_interval` = 'year'
                            THEN 12.0
                            ELSE NULL
                          END * CAST(COALESCE(`t57`.`price_count`, 1) AS DOUBLE),
                          (
                            (
                              UNIX_TIMESTAMP(`t57`.`period_end_at`) - UNIX_TIMESTAMP(`t57`.`period_start_at`)
                            ) / 86400
                          ) / 30.4375
                        ) AS `_monthly_list`,
                        LEAST(`t57`.`period_end_at`, COALESCE(`t57`.`stop_at`, `t57`.`period_end_at`)) AS `_end_at`
                      FROM (
                        SELECT
                          `t56`.`line_id`,
                          `t56`.`invoice_id`,
                          `t56`.`subscription_id`,
                          `t56`.`subscription_item_id`,
                          `t56`.`price_id`,
                          `t56`.`kind`,
                          `t56`.`amount_minor`,
                          `t56`.`currency`,
                          `t56`.`quantity`,
                          `t56`.`discount_minor`,
                          `t56`.`tax_minor`,
                          `t56`.`proration`,
                          `t56`.`period_start_at`,
                          `t56`.`period_end_at`,
                          `t56`.`description`,
                          `t56`.`_version_at`,
                          `t56`.`customer_id`,
                          `t56`.`inv_currency`,
                          `t56`.`paid`,
                          `t56`.`price_product`,
                          `t56`.`unit`,
                          `t56`.`price_interval`,
                          `t56`.`price_count`,
                          `t56`.`price_type`,
                          `t56`.`price_free`,
                          `t56`.`_proration`,
                          `t56`.`_share`,
                          `t56`.`stop_at`
                        FROM (
                          SELECT
                            `t50`.`line_id`,
                            `t50`.`invoice_id`,
                            `t50`.`subscription_id`,
                            `t50`.`subscription_item_id`,
                            `t50`.`price_id`,
                            `t50`.`kind`,
                            `t50`.`amount_minor`,
                            `t50`.`currency`,
                            `t50`.`quantity`,
                            `t50`.`discount_minor`,
                            `t50`.`tax_minor`,
                            `t50`.`proration`,
                            `t50`.`period_start_at`,
                            `t50`.`period_end_at`,
                            `t50`.`description`,
                            `t50`.`_version_at`,
                            `t50`.`customer_id`,
                            `t50`.`inv_currency`,
                            `t50`.`paid`,
                            `t50`.`price_product`,
                            `t50`.`unit`,
                            `t50`.`price_interval`,
                            `t50`.`price_count`,
                            `t50`.`price_type`,
                            `t50`.`price_free`,
                            `t50`.`_proration`,
                            `t50`.`_share`,
                            `t30`.`subscription_id` AS `subscription_id_right`,
                            `t30`.`stop_at`
                          FROM (
                            SELECT
                              `t36`.`line_id`,
                              `t36`.`invoice_id`,
                              `t36`.`subscription_id`,
                              `t36`.`subscription_item_id`,
                              `t36`.`price_id`,
                              `t36`.`kind`,
                              `t36`.`amount_minor`,
                              `t36`.`currency`,
                              `t36`.`quantity`,
                              `t36`.`discount_minor`,
                              `t36`.`tax_minor`,
                              `t36`.`proration`,
                              `t36`.`period_start_at`,
                              `t36`.`period_end_at`,
                              `t36`.`description`,
                              `t36`.`_version_at`,
                              `t36`.`customer_id`,
                              `t36`.`inv_currency`,
                              `t36`.`paid`,
                              `t36`.`price_product`,
                              `t36`.`unit`,
                              `t36`.`price_interval`,
                              `t36`.`price_count`,
                              `t36`.`price_type`,
                              `t36`.`price_free`,
                              COALESCE(`t36`.`proration`, FALSE) AS `_proration`,
                              GREATEST(
                                LEAST(
                                  IF(
                                    CAST(COALESCE(`t36`.`amount_minor`, 0) AS DOUBLE) = 0,
                                    0.0,
                                    CAST(COALESCE(`t36`.`discount_minor`, 0) AS DOUBLE) / ABS(CAST(COALESCE(`t36`.`amount_minor`, 0) AS DOUBLE))
                                  ),
                                  1.0
                                ),
                                0.0
                              ) AS `_share`
                            FROM (
                              SELECT
                                `t34`.`line_id`,
                                `t34`.`invoice_id`,
                                `t34`.`subscription_id`,
                                `t34`.`subscription_item_id`,
                                `t34`.`price_id`,
                                `t34`.`kind`,
                                `t34`.`amount_minor`,
                                `t34`.`currency`,
                                `t34`.`quantity`,
                                `t34`.`discount_minor`,
                                `t34`.`tax_minor`,
                                `t34`.`proration`,
                                `t34`.`period_start_at`,
                                `t34`.`period_end_at`,
                                `t34`.`description`,
                                `t34`.`_version_at`,
                                `t34`.`customer_id`,
                                `t34`.`inv_currency`,
                                `t34`.`paid`,
                                `t34`.`price_product`,
                                `t34`.`unit`,
                                `t34`.`price_interval`,
                                `t34`.`price_count`,
                                `t34`.`price_type`,
                                `t34`.`price_free`
                              FROM (
                                SELECT
                                  `t7`.`line_id`,
                                  `t7`.`invoice_id`,
                                  `t7`.`subscription_id`,
                                  `t7`.`subscription_item_id`,
                                  `t7`.`price_id`,
                                  `t7`.`kind`,
                                  `t7`.`amount_minor`,
                                  `t7`.`currency`,
                                  `t7`.`quantity`,
                                  `t7`.`discount_minor`,
                                  `t7`.`tax_minor`,
                                  `t7`.`proration`,
                                  `t7`.`period_start_at`,
                                  `t7`.`period_end_at`,
                                  `t7`.`description`,
                                  `t7`.`_version_at`,
                                  `t26`.`customer_id`,
                                  `t26`.`inv_currency`,
                                  `t26`.`paid`,
                                  `t20`.`price_id` AS `price_id_right`,
                                  `t20`.`price_product`,
                                  `t20`.`unit`,
                                  `t20`.`price_interval`,
                                  `t20`.`price_count`,
                                  `t20`.`price_type`,
                                  `t20`.`price_free`
                                FROM `invoice_lines` AS `t7`
                                INNER JOIN (
                                  SELECT
                                    `t5`.`invoice_id`,
                                    `t5`.`customer_id`,
                                    `t5`.`currency` AS `inv_currency`,
                                    `t5`.`status` = 'paid' AS `paid`
                                  FROM `invoices` AS `t5`
                                  WHERE
                                    (
                                      `t5`.`status` IS NULL
                                    ) OR NOT (
                                      `t5`.`status` IN ('void', 'draft')
                                    )
                                ) AS `t26`
                                  ON `t7`.`invoice_id` = `t26`.`invoice_id`
                                LEFT OUTER JOIN `t8` AS `t20`
                                  ON `t7`.`price_id` = `t20`.`price_id`
                              ) AS `t34`
                            ) AS `t36`
                            WHERE
                              `t36`.`subscription_id` IS NOT NULL
                              AND (
                                (
                                  `t36`.`price_interval` IS NOT NULL
                                )
                                OR (
                                  (
                                    `t36`.`price_type` IS NULL
                                  ) AND (
                                    `t36`.`kind` = 'subscription'
                                  )
                                )
                              )
                              AND `t36`.`period_start_at` IS NOT NULL
                              AND `t36`.`period_end_at` IS NOT NULL
                          ) AS `t50`
                          LEFT OUTER JOIN (
                            SELECT
                              *
                            FROM (
                              SELECT
                                `t3`.`subscription_id`,
                                COALESCE(`t3`.`ended_at`, IF(`t3`.`status` = 'canceled', `t3`.`canceled_at`, NULL)) AS `stop_at`
                              FROM `subscriptions` AS `t3`
                            ) AS `t21`
                            WHERE
                              `t21`.`stop_at` IS NOT NULL
                          ) AS `t30`
                            ON `t50`.`subscription_id` = `t30`.`subscription_id`
                        ) AS `t56`
                      ) AS `t57`
                    ) AS `t62`
                    LEFT OUTER JOIN (
                      SELECT
                        `t46`.`subscription_id`,
                        `t46`.`period_end_at`,
                        MIN(`t46`.`period_start_at`) AS `_anchor_at`,
                        AVG(`t46`.`_share`) AS `_anchor_share`
                      FROM (
                        SELECT
                          `t35`.`line_id`,
                          `t35`.`invoice_id`,
                          `t35`.`subscription_id`,
                          `t35`.`subscription_item_id`,
                          `t35`.`price_id`,
                          `t35`.`kind`,
                          `t35`.`amount_minor`,
                          `t35`.`currency`,
                          `t35`.`quantity`,
                          `t35`.`discount_minor`,
                          `t35`.`tax_minor`,
                          `t35`.`proration`,
                          `t35`.`period_start_at`,
                          `t35`.`period_end_at`,
                          `t35`.`description`,
                          `t35`.`_version_at`,
                          `t35`.`price_product`,
                          `t35`.`unit`,
                          `t35`.`price_interval`,
                          `t35`.`price_count`,
                          `t35`.`price_type`,
                          `t35`.`price_free`,
                          COALESCE(`t35`.`proration`, FALSE) AS `_proration`,
                          GREATEST(
                            LEAST(
                              IF(
                                CAST(COALESCE(`t35`.`amount_minor`, 0) AS DOUBLE) = 0,
                                0.0,
                                CAST(COALESCE(`t35`.`discount_minor`, 0) AS DOUBLE) / ABS(CAST(COALESCE(`t35`.`amount_minor`, 0) AS DOUBLE))
                              ),
                              1.0
                            ),
                            0.0
                          ) AS `_share`
                        FROM (
                          SELECT
                            `t33`.`line_id`,
                            `t33`.`invoice_id`,
                            `t33`.`subscription_id`,
                            `t33`.`subscription_item_id`,
                            `t33`.`price_id`,
                            `t33`.`kind`,
                            `t33`.`amount_minor`,
                            `t33`.`currency`,
                            `t33`.`quantity`,
                            `t33`.`discount_minor`,
                            `t33`.`tax_minor`,
                            `t33`.`proration`,
                            `t33`.`period_start_at`,
                            `t33`.`period_end_at`,
                            `t33`.`description`,
                            `t33`.`_version_at`,
                            `t33`.`price_product`,
                            `t33`.`unit`,
                            `t33`.`price_interval`,
                            `t33`.`price_count`,
                            `t33`.`price_type`,
                            `t33`.`price_free`
                          FROM (
                            SELECT
                              `t22`.`line_id`,
                              `t22`.`invoice_id`,
                              `t22`.`subscription_id`,
                              `t22`.`subscription_item_id`,
                              `t22`.`price_id`,
                              `t22`.`kind`,
                              `t22`.`amount_minor`,
                              `t22`.`currency`,
                              `t22`.`quantity`,
                              `t22`.`discount_minor`,
                              `t22`.`tax_minor`,
                              `t22`.`proration`,
                              `t22`.`period_start_at`,
                              `t22`.`period_end_at`,
                              `t22`.`description`,
                              `t22`.`_version_at`,
                              `t19`.`price_id` AS `price_id_right`,
                              `t19`.`price_product`,
                              `t19`.`unit`,
                              `t19`.`price_interval`,
                              `t19`.`price_count`,
                              `t19`.`price_type`,
                              `t19`.`price_free`
                            FROM (
                              SELECT
                                *
                              FROM `invoice_lines` AS `t4`
                              WHERE
                                NOT (
                                  COALESCE(`t4`.`proration`, FALSE)
                                )
                            ) AS `t22`
                            LEFT SEMI JOIN (
                              SELECT DISTINCT
                                `t4`.`subscription_id`,
                                `t4`.`period_end_at`
                              FROM `invoice_lines` AS `t4`
                              WHERE
                                COALESCE(`t4`.`proration`, FALSE)
                            ) AS `t18`
                              ON `t22`.`subscription_id` = `t18`.`subscription_id`
                              AND `t22`.`period_end_at` = `t18`.`period_end_at`
                            LEFT SEMI JOIN (
                              SELECT
                                `t5`.`invoice_id`
                              FROM `invoices` AS `t5`
                              WHERE
                                (
                                  `t5`.`status` IS NULL
                                ) OR NOT (
                                  `t5`.`status` IN ('void', 'draft')
                                )
                            ) AS `t25`
                              ON `t22`.`invoice_id` = `t25`.`invoice_id`
                            LEFT OUTER JOIN `t8` AS `t19`
                              ON `t22`.`price_id` = `t19`.`price_id`
                          ) AS `t33`
                        ) AS `t35`
                        WHERE
                          `t35`.`subscription_id` IS NOT NULL
                          AND (
                            (
                              `t35`.`price_interval` IS NOT NULL
                            )
                            OR (
                              (
                                `t35`.`price_type` IS NULL
                              ) AND (
                                `t35`.`kind` = 'subscription'
                              )
                            )
                          )
                          AND `t35`.`period_start_at` IS NOT NULL
                          AND `t35`.`period_end_at` IS NOT NULL
                      ) AS `t46`
                      GROUP BY
                        1,
                        2
                    ) AS `t55`
                      ON `t62`.`subscription_id` = `t55`.`subscription_id`
                      AND `t62`.`period_end_at` = `t55`.`period_end_at`
                  ) AS `t63`
                ) AS `t64`
              ) AS `t65`
              WHERE
                `t65`.`start_on` < `t65`.`end_on`
            ) AS `t67`
            LEFT OUTER JOIN (
              SELECT
                `t43`.`currency`,
                `t43`.`rate`,
                COALESCE(`t43`.`valid_to`, MAKE_DATE(9999, 12, 31)) AS `valid_to`,
                IF(`t43`.`first`, MAKE_DATE(1900, 1, 1), `t43`.`rate_on`) AS `valid_from`,
                IF(
                  `t43`.`currency` = 'USD',
                  1.0,
                  `t43`.`rate` * CASE
                    WHEN `t43`.`currency` IN (
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
                    WHEN `t43`.`currency` IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
                    THEN 0.1
                    ELSE 1.0
                  END
                ) AS `minor`
              FROM (
                SELECT
                  `t29`.`currency`,
                  `t29`.`rate_on`,
                  `t29`.`rate`,
                  LEAD(`t29`.`rate_on`) OVER (PARTITION BY `t29`.`currency` ORDER BY `t29`.`rate_on` ASC NULLS LAST) AS `valid_to`,
                  (
                    ROW_NUMBER() OVER (PARTITION BY `t29`.`currency` ORDER BY `t29`.`rate_on` ASC NULLS LAST) - 1
                  ) = 0 AS `first`
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      `t2`.`currency`,
                      `t2`.`rate_on`,
                      `t2`.`rate`
                    FROM `fx_rates` AS `t2`
                    WHERE
                      `t2`.`quote_currency` = 'USD'
                  ) AS `t11`
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      `t15`.`currency`,
                      `t15`.`rate_on`,
                      `t15`.`rate`
                    FROM (
                      SELECT
                        `t2`.`quote_currency` AS `currency`,
                        `t2`.`rate_on`,
                        1.0 / `t2`.`rate` AS `rate`
                      FROM `fx_rates` AS `t2`
                      WHERE
                        `t2`.`currency` = 'USD' AND `t2`.`rate` > 0
                    ) AS `t15`
                    LEFT ANTI JOIN (
                      SELECT DISTINCT
                        `t2`.`currency`
                      FROM `fx_rates` AS `t2`
                      WHERE
                        `t2`.`quote_currency` = 'USD'
                    ) AS `t16`
                      ON `t15`.`currency` = `t16`.`currency`
                  ) AS `t27`
                ) AS `t29`
              ) AS `t43`
            ) AS `t51`
              ON `t67`.`currency` = `t51`.`currency`
              AND `t67`.`fx_on` >= `t51`.`valid_from`
              AND `t67`.`fx_on` < `t51`.`valid_to`
          ) AS `t68`
          WHERE
            `t68`.`units` > 0 AND `t68`.`start_on` <= MAKE_DATE(2026, 11, 1)
        ) AS `t69`
      ) AS `t71`
        ON `t60`.`customer_id` = `t71`.`customer_id`
    ) AS `t72`
  ) AS `t73`
) AS `t74`
