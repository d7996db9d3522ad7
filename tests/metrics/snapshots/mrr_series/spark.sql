-- run while the expression is built (1 of 1)
SELECT
  MIN(`t0`.`period_start_at`) AS `Min(period_start_at)`
FROM `invoice_lines_versions` AS `t0`;

-- the metric
WITH `t43` AS (
  SELECT
    `t42`.`line_id`,
    `t42`.`customer_id`,
    `t42`.`subscription_id`,
    `t42`.`invoice_id`,
    `t42`.`price_id`,
    `t42`.`product_id`,
    `t42`.`currency`,
    `t42`.`start_on`,
    `t42`.`end_on`,
    `t42`.`is_free`,
    `t42`.`paid`,
    CAST(SIGN(
      `t42`.`monthly_minor` * IF(
        `t42`.`currency` = 'USD',
        1.0,
        `t31`.`rate` * CASE
          WHEN `t42`.`currency` IN (
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
          WHEN `t42`.`currency` IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
          THEN 0.1
          ELSE 1.0
        END
      ) * 100
    ) * CAST(FLOOR(
      ABS(
        `t42`.`monthly_minor` * IF(
          `t42`.`currency` = 'USD',
          1.0,
          `t31`.`rate` * CASE
            WHEN `t42`.`currency` IN (
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
            WHEN `t42`.`currency` IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
            THEN 0.1
            ELSE 1.0
          END
        ) * 100
      ) + 0.5
    ) AS BIGINT) AS BIGINT) AS `units`
  FROM (
    SELECT
      `t40`.`line_id`,
      `t40`.`invoice_id`,
      `t40`.`subscription_id`,
      `t40`.`subscription_item_id`,
      `t40`.`price_id`,
      `t40`.`kind`,
      `t40`.`amount_minor`,
      UPPER(COALESCE(`t40`.`currency`, `t40`.`inv_currency`)) AS `currency`,
      `t40`.`quantity`,
      `t40`.`discount_minor`,
      `t40`.`tax_minor`,
      `t40`.`proration`,
      `t40`.`period_start_at`,
      `t40`.`period_end_at`,
      `t40`.`description`,
      `t40`.`_version_at`,
      `t40`.`customer_id`,
      `t40`.`inv_currency`,
      `t40`.`paid`,
      `t40`.`price_product`,
      `t40`.`unit`,
      `t40`.`price_interval`,
      `t40`.`price_count`,
      `t40`.`price_type`,
      `t40`.`price_free`,
      `t40`.`stop_at`,
      `t40`.`_proration`,
      `t40`.`_monthly_list`,
      `t40`.`_share`,
      `t40`.`_end_at`,
      `t40`.`_anchor_at`,
      `t40`.`_anchor_share`,
      CAST(IF(
        `t40`.`_proration`,
        COALESCE(`t40`.`_anchor_at`, `t40`.`period_start_at`),
        `t40`.`period_start_at`
      ) AS DATE) AS `fx_on`,
      CAST(`t40`.`period_start_at` AS DATE) AS `start_on`,
      CAST(`t40`.`_end_at` AS DATE) AS `end_on`,
      `t40`.`_monthly_list` * (
        1.0 - IF(`t40`.`_proration`, COALESCE(`t40`.`_anchor_share`, `t40`.`_share`), `t40`.`_share`)
      ) AS `monthly_minor`,
      COALESCE(`t40`.`price_free`, FALSE) OR (
        COALESCE(`t40`.`unit`, -1) = 0
      ) AS `is_free`,
      `t40`.`price_product` AS `product_id`
    FROM (
      SELECT
        `t39`.`line_id`,
        `t39`.`invoice_id`,
        `t39`.`subscription_id`,
        `t39`.`subscription_item_id`,
        `t39`.`price_id`,
        `t39`.`kind`,
        `t39`.`amount_minor`,
        `t39`.`currency`,
        `t39`.`quantity`,
        `t39`.`discount_minor`,
        `t39`.`tax_minor`,
        `t39`.`proration`,
        `t39`.`period_start_at`,
        `t39`.`period_end_at`,
        `t39`.`description`,
        `t39`.`_version_at`,
        `t39`.`customer_id`,
        `t39`.`inv_currency`,
        `t39`.`paid`,
        `t39`.`price_product`,
        `t39`.`unit`,
        `t39`.`price_interval`,
        `t39`.`price_count`,
        `t39`.`price_type`,
        `t39`.`price_free`,
        `t39`.`stop_at`,
        `t39`.`_proration`,
        `t39`.`_monthly_list`,
        `t39`.`_share`,
        `t39`.`_end_at`,
        `t39`.`_anchor_at`,
        `t39`.`_anchor_share`
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
          `t34`.`price_free`,
          `t34`.`stop_at`,
          `t34`.`_proration`,
          `t34`.`_monthly_list`,
          `t34`.`_share`,
          `t34`.`_end_at`,
          `t38`.`subscription_id` AS `subscription_id_right`,
          `t38`.`period_end_at` AS `period_end_at_right`,
          `t38`.`_anchor_at`,
          `t38`.`_anchor_share`
        FROM (
          SELECT
            `t26`.`line_id`,
            `t26`.`invoice_id`,
            `t26`.`subscription_id`,
            `t26`.`subscription_item_id`,
            `t26`.`price_id`,
            `t26`.`kind`,
            `t26`.`amount_minor`,
            `t26`.`currency`,
            `t26`.`quantity`,
            `t26`.`discount_minor`,
            `t26`.`tax_minor`,
            `t26`.`proration`,
            `t26`.`period_start_at`,
            `t26`.`period_end_at`,
            `t26`.`description`,
            `t26`.`_version_at`,
            `t26`.`customer_id`,
            `t26`.`inv_currency`,
            `t26`.`paid`,
            `t26`.`price_product`,
            `t26`.`unit`,
            `t26`.`price_interval`,
            `t26`.`price_count`,
            `t26`.`price_type`,
            `t26`.`price_free`,
            `t26`.`stop_at`,
            COALESCE(`t26`.`proration`, FALSE) AS `_proration`,
            IF(
              COALESCE(`t26`.`proration`, FALSE),
              SIGN(CAST(COALESCE(`t26`.`amount_minor`, 0) AS DOUBLE)) * COALESCE(
                CAST(`t26`.`unit` * COALESCE(`t26`.`quantity`, 1) AS DOUBLE),
                (
                  ABS(CAST(COALESCE(`t26`.`amount_minor`, 0) AS DOUBLE)) * (
                    COALESCE(
                      CASE
                        WHEN `t26`.`price_interval` = 'day'
                        THEN 0.03287671232876712
                        WHEN `t26`.`price_interval` = 'week'
                        THEN 0.23076923076923078
                        WHEN `t26`.`price_interval` = 'month'
                        THEN 1.0
                        WHEN `t26`.`price_interval` = 'year'
                        THEN 12.0
                        ELSE NULL
                      END * CAST(COALESCE(`t26`.`price_count`, 1) AS DOUBLE),
                      (
                        CAST(UNIX_TIMESTAMP(CAST(`t26`.`period_end_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t26`.`period_start_at` AS TIMESTAMP)) AS DOUBLE) / 86400
                      ) / 30.4375
                    ) * 30.4375
                  )
                ) / GREATEST(
                  CAST(UNIX_TIMESTAMP(CAST(`t26`.`period_end_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t26`.`period_start_at` AS TIMESTAMP)) AS DOUBLE) / 86400,
                  0.041666666666666664
                )
              ),
              CAST(COALESCE(`t26`.`amount_minor`, 0) AS DOUBLE)
            ) / COALESCE(
              CASE
                WHEN `t26`.`price_interval` = 'day'
                THEN 0.03287671232876712
                WHEN `t26`.`price_interval` = 'week'
                THEN 0.23076923076923078
                WHEN `t26`.`price_interval` = 'month'
                THEN 1.0
                WHEN `t26`.`price_interval` = 'year'
                THEN 12.0
                ELSE NULL
              END * CAST(COALESCE(`t26`.`price_count`, 1) AS DOUBLE),
              (
                CAST(UNIX_TIMESTAMP(CAST(`t26`.`period_end_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t26`.`period_start_at` AS TIMESTAMP)) AS DOUBLE) / 86400
              ) / 30.4375
            ) AS `_monthly_list`,
            GREATEST(
              LEAST(
                IF(
                  CAST(COALESCE(`t26`.`amount_minor`, 0) AS DOUBLE) = 0,
                  0.0,
                  CAST(COALESCE(`t26`.`discount_minor`, 0) AS DOUBLE) / ABS(CAST(COALESCE(`t26`.`amount_minor`, 0) AS DOUBLE))
                ),
                1.0
              ),
              0.0
            ) AS `_share`,
            LEAST(`t26`.`period_end_at`, COALESCE(`t26`.`stop_at`, `t26`.`period_end_at`)) AS `_end_at`
          FROM (
            SELECT
              `t25`.`line_id`,
              `t25`.`invoice_id`,
              `t25`.`subscription_id`,
              `t25`.`subscription_item_id`,
              `t25`.`price_id`,
              `t25`.`kind`,
              `t25`.`amount_minor`,
              `t25`.`currency`,
              `t25`.`quantity`,
              `t25`.`discount_minor`,
              `t25`.`tax_minor`,
              `t25`.`proration`,
              `t25`.`period_start_at`,
              `t25`.`period_end_at`,
              `t25`.`description`,
              `t25`.`_version_at`,
              `t25`.`customer_id`,
              `t25`.`inv_currency`,
              `t25`.`paid`,
              `t25`.`price_product`,
              `t25`.`unit`,
              `t25`.`price_interval`,
              `t25`.`price_count`,
              `t25`.`price_type`,
              `t25`.`price_free`,
              `t25`.`stop_at`
            FROM (
              SELECT
                `t11`.`line_id`,
                `t11`.`invoice_id`,
                `t11`.`subscription_id`,
                `t11`.`subscription_item_id`,
                `t11`.`price_id`,
                `t11`.`kind`,
                `t11`.`amount_minor`,
                `t11`.`currency`,
                `t11`.`quantity`,
                `t11`.`discount_minor`,
                `t11`.`tax_minor`,
                `t11`.`proration`,
                `t11`.`period_start_at`,
                `t11`.`period_end_at`,
                `t11`.`description`,
                `t11`.`_version_at`,
                `t21`.`customer_id`,
                `t21`.`inv_currency`,
                `t21`.`paid`,
                `t16`.`price_id` AS `price_id_right`,
                `t16`.`price_product`,
                `t16`.`unit`,
                `t16`.`price_interval`,
                `t16`.`price_count`,
                `t16`.`price_type`,
                `t16`.`price_free`,
                `t22`.`subscription_id` AS `subscription_id_right`,
                `t22`.`stop_at`
              FROM `invoice_lines` AS `t11`
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
              ) AS `t21`
                ON `t11`.`invoice_id` = `t21`.`invoice_id`
              LEFT OUTER JOIN (
                SELECT
                  `t6`.`price_id`,
                  `t6`.`product_id` AS `price_product`,
                  `t6`.`amount_minor` AS `unit`,
                  `t6`.`interval` AS `price_interval`,
                  `t6`.`interval_count` AS `price_count`,
                  `t6`.`type` AS `price_type`,
                  `t6`.`is_free` AS `price_free`
                FROM `prices` AS `t6`
              ) AS `t16`
                ON `t11`.`price_id` = `t16`.`price_id`
              LEFT OUTER JOIN (
                SELECT
                  `t7`.`subscription_id`,
                  COALESCE(`t7`.`ended_at`, IF(`t7`.`status` = 'canceled', `t7`.`canceled_at`, NULL)) AS `stop_at`
                FROM `subscriptions` AS `t7`
              ) AS `t22`
                ON `t11`.`subscription_id` = `t22`.`subscription_id`
            ) AS `t25`
          ) AS `t26`
          WHERE
            `t26`.`subscription_id` IS NOT NULL
            AND (
              (
                `t26`.`price_interval` IS NOT NULL
              )
              OR (
                (
                  `t26`.`price_type` IS NULL
                ) AND (
                  `t26`.`kind` = 'subscription'
                )
              )
            )
            AND `t26`.`period_start_at` IS NOT NULL
            AND `t26`.`period_end_at` IS NOT NULL
        ) AS `t34`
        LEFT OUTER JOIN (
          SELECT
            `t36`.`subscription_id`,
            `t36`.`period_end_at`,
            MIN(`t36`.`period_start_at`) AS `_anchor_at`,
            AVG(`t36`.`_share`) AS `_anchor_share`
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
              `t35`.`customer_id`,
              `t35`.`inv_currency`,
              `t35`.`paid`,
              `t35`.`price_product`,
              `t35`.`unit`,
              `t35`.`price_interval`,
              `t35`.`price_count`,
              `t35`.`price_type`,
              `t35`.`price_free`,
              `t35`.`stop_at`,
              `t35`.`_proration`,
              `t35`.`_monthly_list`,
              `t35`.`_share`,
              `t35`.`_end_at`
            FROM (
              SELECT
                `t26`.`line_id`,
                `t26`.`invoice_id`,
                `t26`.`subscription_id`,
                `t26`.`subscription_item_id`,
                `t26`.`price_id`,
                `t26`.`kind`,
                `t26`.`amount_minor`,
                `t26`.`currency`,
                `t26`.`quantity`,
                `t26`.`discount_minor`,
                `t26`.`tax_minor`,
                `t26`.`proration`,
                `t26`.`period_start_at`,
                `t26`.`period_end_at`,
                `t26`.`description`,
                `t26`.`_version_at`,
                `t26`.`customer_id`,
                `t26`.`inv_currency`,
                `t26`.`paid`,
                `t26`.`price_product`,
                `t26`.`unit`,
                `t26`.`price_interval`,
                `t26`.`price_count`,
                `t26`.`price_type`,
                `t26`.`price_free`,
                `t26`.`stop_at`,
                COALESCE(`t26`.`proration`, FALSE) AS `_proration`,
                IF(
                  COALESCE(`t26`.`proration`, FALSE),
                  SIGN(CAST(COALESCE(`t26`.`amount_minor`, 0) AS DOUBLE)) * COALESCE(
                    CAST(`t26`.`unit` * COALESCE(`t26`.`quantity`, 1) AS DOUBLE),
                    (
                      ABS(CAST(COALESCE(`t26`.`amount_minor`, 0) AS DOUBLE)) * (
                        COALESCE(
                          CASE
                            WHEN `t26`.`price_interval` = 'day'
                            THEN 0.03287671232876712
                            WHEN `t26`.`price_interval` = 'week'
                            THEN 0.23076923076923078
                            WHEN `t26`.`price_interval` = 'month'
                            THEN 1.0
                            WHEN `t26`.`price_interval` = 'year'
                            THEN 12.0
                            ELSE NULL
                          END * CAST(COALESCE(`t26`.`price_count`, 1) AS DOUBLE),
                          (
                            CAST(UNIX_TIMESTAMP(CAST(`t26`.`period_end_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t26`.`period_start_at` AS TIMESTAMP)) AS DOUBLE) / 86400
                          ) / 30.4375
                        ) * 30.4375
                      )
                    ) / GREATEST(
                      CAST(UNIX_TIMESTAMP(CAST(`t26`.`period_end_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t26`.`period_start_at` AS TIMESTAMP)) AS DOUBLE) / 86400,
                      0.041666666666666664
                    )
                  ),
                  CAST(COALESCE(`t26`.`amount_minor`, 0) AS DOUBLE)
                ) / COALESCE(
                  CASE
                    WHEN `t26`.`price_interval` = 'day'
                    THEN 0.03287671232876712
                    WHEN `t26`.`price_interval` = 'week'
                    THEN 0.23076923076923078
                    WHEN `t26`.`price_interval` = 'month'
                    THEN 1.0
                    WHEN `t26`.`price_interval` = 'year'
                    THEN 12.0
                    ELSE NULL
                  END * CAST(COALESCE(`t26`.`price_count`, 1) AS DOUBLE),
                  (
                    CAST(UNIX_TIMESTAMP(CAST(`t26`.`period_end_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t26`.`period_start_at` AS TIMESTAMP)) AS DOUBLE) / 86400
                  ) / 30.4375
                ) AS `_monthly_list`,
                GREATEST(
                  LEAST(
                    IF(
                      CAST(COALESCE(`t26`.`amount_minor`, 0) AS DOUBLE) = 0,
                      0.0,
                      CAST(COALESCE(`t26`.`discount_minor`, 0) AS DOUBLE) / ABS(CAST(COALESCE(`t26`.`amount_minor`, 0) AS DOUBLE))
                    ),
                    1.0
                  ),
                  0.0
                ) AS `_share`,
                LEAST(`t26`.`period_end_at`, COALESCE(`t26`.`stop_at`, `t26`.`period_end_at`)) AS `_end_at`
              FROM (
                SELECT
                  `t25`.`line_id`,
                  `t25`.`invoice_id`,
                  `t25`.`subscription_id`,
                  `t25`.`subscription_item_id`,
                  `t25`.`price_id`,
                  `t25`.`kind`,
                  `t25`.`amount_minor`,
                  `t25`.`currency`,
                  `t25`.`quantity`,
                  `t25`.`discount_minor`,
                  `t25`.`tax_minor`,
                  `t25`.`proration`,
                  `t25`.`period_start_at`,
                  `t25`.`period_end_at`,
                  `t25`.`description`,
                  `t25`.`_version_at`,
                  `t25`.`customer_id`,
                  `t25`.`inv_currency`,
                  `t25`.`paid`,
                  `t25`.`price_product`,
                  `t25`.`unit`,
                  `t25`.`price_interval`,
                  `t25`.`price_count`,
                  `t25`.`price_type`,
                  `t25`.`price_free`,
                  `t25`.`stop_at`
                FROM (
                  SELECT
                    `t11`.`line_id`,
                    `t11`.`invoice_id`,
                    `t11`.`subscription_id`,
                    `t11`.`subscription_item_id`,
                    `t11`.`price_id`,
                    `t11`.`kind`,
                    `t11`.`amount_minor`,
                    `t11`.`currency`,
                    `t11`.`quantity`,
                    `t11`.`discount_minor`,
                    `t11`.`tax_minor`,
                    `t11`.`proration`,
                    `t11`.`period_start_at`,
                    `t11`.`period_end_at`,
                    `t11`.`description`,
                    `t11`.`_version_at`,
                    `t21`.`customer_id`,
                    `t21`.`inv_currency`,
                    `t21`.`paid`,
                    `t16`.`price_id` AS `price_id_right`,
                    `t16`.`price_product`,
                    `t16`.`unit`,
                    `t16`.`price_interval`,
                    `t16`.`price_count`,
                    `t16`.`price_type`,
                    `t16`.`price_free`,
                    `t22`.`subscription_id` AS `subscription_id_right`,
                    `t22`.`stop_at`
                  FROM `invoice_lines` AS `t11`
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
                  ) AS `t21`
                    ON `t11`.`invoice_id` = `t21`.`invoice_id`
                  LEFT OUTER JOIN (
                    SELECT
                      `t6`.`price_id`,
                      `t6`.`product_id` AS `price_product`,
                      `t6`.`amount_minor` AS `unit`,
                      `t6`.`interval` AS `price_interval`,
                      `t6`.`interval_count` AS `price_count`,
                      `t6`.`type` AS `price_type`,
                      `t6`.`is_free` AS `price_free`
                    FROM `prices` AS `t6`
                  ) AS `t16`
                    ON `t11`.`price_id` = `t16`.`price_id`
                  LEFT OUTER JOIN (
                    SELECT
                      `t7`.`subscription_id`,
                      COALESCE(`t7`.`ended_at`, IF(`t7`.`status` = 'canceled', `t7`.`canceled_at`, NULL)) AS `stop_at`
                    FROM `subscriptions` AS `t7`
                  ) AS `t22`
                    ON `t11`.`subscription_id` = `t22`.`subscription_id`
                ) AS `t25`
              ) AS `t26`
              WHERE
                `t26`.`subscription_id` IS NOT NULL
                AND (
                  (
                    `t26`.`price_interval` IS NOT NULL
                  )
                  OR (
                    (
                      `t26`.`price_type` IS NULL
                    ) AND (
                      `t26`.`kind` = 'subscription'
                    )
                  )
                )
                AND `t26`.`period_start_at` IS NOT NULL
                AND `t26`.`period_end_at` IS NOT NULL
                AND NOT (
                  COALESCE(`t26`.`proration`, FALSE)
                )
            ) AS `t35`
            LEFT SEMI JOIN (
              SELECT DISTINCT
                `t26`.`subscription_id`,
                `t26`.`period_end_at`
              FROM (
                SELECT
                  `t25`.`line_id`,
                  `t25`.`invoice_id`,
                  `t25`.`subscription_id`,
                  `t25`.`subscription_item_id`,
                  `t25`.`price_id`,
                  `t25`.`kind`,
                  `t25`.`amount_minor`,
                  `t25`.`currency`,
                  `t25`.`quantity`,
                  `t25`.`discount_minor`,
                  `t25`.`tax_minor`,
                  `t25`.`proration`,
                  `t25`.`period_start_at`,
                  `t25`.`period_end_at`,
                  `t25`.`description`,
                  `t25`.`_version_at`,
                  `t25`.`customer_id`,
                  `t25`.`inv_currency`,
                  `t25`.`paid`,
                  `t25`.`price_product`,
                  `t25`.`unit`,
                  `t25`.`price_interval`,
                  `t25`.`price_count`,
                  `t25`.`price_type`,
                  `t25`.`price_free`,
                  `t25`.`stop_at`
                FROM (
                  SELECT
                    `t11`.`line_id`,
                    `t11`.`invoice_id`,
                    `t11`.`subscription_id`,
                    `t11`.`subscription_item_id`,
                    `t11`.`price_id`,
                    `t11`.`kind`,
                    `t11`.`amount_minor`,
                    `t11`.`currency`,
                    `t11`.`quantity`,
                    `t11`.`discount_minor`,
                    `t11`.`tax_minor`,
                    `t11`.`proration`,
                    `t11`.`period_start_at`,
                    `t11`.`period_end_at`,
                    `t11`.`description`,
                    `t11`.`_version_at`,
                    `t21`.`customer_id`,
                    `t21`.`inv_currency`,
                    `t21`.`paid`,
                    `t16`.`price_id` AS `price_id_right`,
                    `t16`.`price_product`,
                    `t16`.`unit`,
                    `t16`.`price_interval`,
                    `t16`.`price_count`,
                    `t16`.`price_type`,
                    `t16`.`price_free`,
                    `t22`.`subscription_id` AS `subscription_id_right`,
                    `t22`.`stop_at`
                  FROM `invoice_lines` AS `t11`
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
                  ) AS `t21`
                    ON `t11`.`invoice_id` = `t21`.`invoice_id`
                  LEFT OUTER JOIN (
                    SELECT
                      `t6`.`price_id`,
                      `t6`.`product_id` AS `price_product`,
                      `t6`.`amount_minor` AS `unit`,
                      `t6`.`interval` AS `price_interval`,
                      `t6`.`interval_count` AS `price_count`,
                      `t6`.`type` AS `price_type`,
                      `t6`.`is_free` AS `price_free`
                    FROM `prices` AS `t6`
                  ) AS `t16`
                    ON `t11`.`price_id` = `t16`.`price_id`
                  LEFT OUTER JOIN (
                    SELECT
                      `t7`.`subscription_id`,
                      COALESCE(`t7`.`ended_at`, IF(`t7`.`status` = 'canceled', `t7`.`canceled_at`, NULL)) AS `stop_at`
                    FROM `subscriptions` AS `t7`
                  ) AS `t22`
                    ON `t11`.`subscription_id` = `t22`.`subscription_id`
                ) AS `t25`
              ) AS `t26`
              WHERE
                `t26`.`subscription_id` IS NOT NULL
                AND (
                  (
                    `t26`.`price_interval` IS NOT NULL
                  )
                  OR (
                    (
                      `t26`.`price_type` IS NULL
                    ) AND (
                      `t26`.`kind` = 'subscription'
                    )
                  )
                )
                AND `t26`.`period_start_at` IS NOT NULL
                AND `t26`.`period_end_at` IS NOT NULL
                AND COALESCE(`t26`.`proration`, FALSE)
            ) AS `t29`
              ON `t35`.`subscription_id` = `t29`.`subscription_id`
              AND `t35`.`period_end_at` = `t29`.`period_end_at`
          ) AS `t36`
          GROUP BY
            1,
            2
        ) AS `t38`
          ON `t34`.`subscription_id` = `t38`.`subscription_id`
          AND `t34`.`period_end_at` = `t38`.`period_end_at`
      ) AS `t39`
    ) AS `t40`
    WHERE
      CAST(`t40`.`period_start_at` AS DATE) < CAST(`t40`.`_end_at` AS DATE)
  ) AS `t42`
  LEFT OUTER JOIN (
    SELECT
      `t27`.`currency`,
      `t27`.`rate`,
      `t27`.`valid_to`,
      IF(`t27`.`first`, MAKE_DATE(1900, 1, 1), `t27`.`rate_on`) AS `valid_from`
    FROM (
      SELECT
        `t24`.`currency`,
        `t24`.`rate_on`,
        `t24`.`rate`,
        LEAD(`t24`.`rate_on`) OVER (PARTITION BY `t24`.`currency` ORDER BY `t24`.`rate_on` ASC NULLS LAST) AS `valid_to`,
        (
          ROW_NUMBER() OVER (PARTITION BY `t24`.`currency` ORDER BY `t24`.`rate_on` ASC NULLS LAST) - 1
        ) = 0 AS `first`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t3`.`currency`,
            `t3`.`rate_on`,
            `t3`.`rate`
          FROM `fx_rates` AS `t3`
          WHERE
            `t3`.`quote_currency` = 'USD'
        ) AS `t14`
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            `t17`.`currency`,
            `t17`.`rate_on`,
            `t17`.`rate`
          FROM (
            SELECT
              `t3`.`quote_currency` AS `currency`,
              `t3`.`rate_on`,
              1.0 / `t3`.`rate` AS `rate`
            FROM `fx_rates` AS `t3`
            WHERE
              `t3`.`currency` = 'USD' AND `t3`.`rate` > 0
          ) AS `t17`
          LEFT ANTI JOIN (
            SELECT DISTINCT
              `t3`.`currency`
            FROM `fx_rates` AS `t3`
            WHERE
              `t3`.`quote_currency` = 'USD'
          ) AS `t18`
            ON `t17`.`currency` = `t18`.`currency`
        ) AS `t23`
      ) AS `t24`
    ) AS `t27`
  ) AS `t31`
    ON `t42`.`currency` = `t31`.`currency`
    AND `t42`.`fx_on` >= `t31`.`valid_from`
    AND (
      (
        `t31`.`valid_to` IS NULL
      ) OR (
        `t42`.`fx_on` < `t31`.`valid_to`
      )
    )
), `t52` AS (
  SELECT
    `t51`.`customer_id`,
    `t51`.`group`,
    `t51`.`day`,
    `t51`.`delta`,
    `t51`.`after`,
    `t51`.`after` - `t51`.`delta` AS `before`
  FROM (
    SELECT
      `t50`.`customer_id`,
      `t50`.`group`,
      `t50`.`day`,
      `t50`.`delta`,
      SUM(`t50`.`delta`) OVER (
        PARTITION BY `t50`.`customer_id`, `t50`.`group`
        ORDER BY `t50`.`day` ASC NULLS LAST
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS `after`
    FROM (
      SELECT
        *
      FROM (
        SELECT
          `t48`.`customer_id`,
          `t48`.`group`,
          `t48`.`day`,
          SUM(`t48`.`delta`) AS `delta`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                `t44`.`customer_id`,
                'all' AS `group`,
                `t44`.`start_on` AS `day`,
                `t44`.`units` AS `delta`
              FROM `t43` AS `t44`
              WHERE
                `t44`.`units` <> 0
            ) AS `t45`
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                `t44`.`customer_id`,
                'all' AS `group`,
                `t44`.`end_on` AS `day`,
                -(
                  `t44`.`units`
                ) AS `delta`
              FROM `t43` AS `t44`
              WHERE
                `t44`.`units` <> 0
            ) AS `t46`
          ) AS `t47`
          WHERE
            `t47`.`day` <= MAKE_DATE(2026, 11, 1)
        ) AS `t48`
        GROUP BY
          1,
          2,
          3
      ) AS `t49`
      WHERE
        `t49`.`delta` <> 0
    ) AS `t50`
  ) AS `t51`
), `t61` AS (
  SELECT
    `t54`.`customer_id`,
    `t54`.`group`,
    `t54`.`day`,
    `t54`.`delta`,
    `t54`.`before`,
    `t54`.`after`,
    `t60`.`total_before`,
    `t60`.`total_after`,
    `t60`.`first_on`,
    CASE
      WHEN (
        `t54`.`delta` > 0
      )
      AND (
        `t60`.`total_before` <= 0
      )
      AND (
        `t54`.`day` = `t60`.`first_on`
      )
      THEN 'new'
      WHEN (
        `t54`.`delta` > 0
      ) AND (
        `t60`.`total_before` <= 0
      )
      THEN 'reactivation'
      WHEN `t54`.`delta` > 0
      THEN 'expansion'
      WHEN (
        `t54`.`delta` < 0
      ) AND (
        `t60`.`total_after` <= 0
      )
      THEN 'churn'
      ELSE 'contraction'
    END AS `movement`
  FROM `t52` AS `t54`
  INNER JOIN (
    SELECT
      `t58`.`customer_id`,
      `t58`.`day`,
      `t58`.`total_before`,
      `t58`.`total_after`,
      `t58`.`first_on`
    FROM (
      SELECT
        `t57`.`customer_id`,
        `t57`.`day`,
        `t57`.`total_delta`,
        `t57`.`total_after`,
        `t57`.`total_before`,
        MIN(
          IF((
            `t57`.`total_before` <= 0
          ) AND (
            `t57`.`total_after` > 0
          ), `t57`.`day`, NULL)
        ) OVER (
          PARTITION BY `t57`.`customer_id`
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS `first_on`
      FROM (
        SELECT
          `t56`.`customer_id`,
          `t56`.`day`,
          `t56`.`total_delta`,
          `t56`.`total_after`,
          `t56`.`total_after` - `t56`.`total_delta` AS `total_before`
        FROM (
          SELECT
            `t55`.`customer_id`,
            `t55`.`day`,
            `t55`.`total_delta`,
            SUM(`t55`.`total_delta`) OVER (
              PARTITION BY `t55`.`customer_id`
              ORDER BY `t55`.`day` ASC NULLS LAST
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS `total_after`
          FROM (
            SELECT
              `t53`.`customer_id`,
              `t53`.`day`,
              SUM(`t53`.`delta`) AS `total_delta`
            FROM `t52` AS `t53`
            GROUP BY
              1,
              2
          ) AS `t55`
        ) AS `t56`
      ) AS `t57`
    ) AS `t58`
  ) AS `t60`
    ON `t54`.`customer_id` = `t60`.`customer_id` AND `t54`.`day` = `t60`.`day`
)
SELECT
  `t88`.`period_label` AS `period`,
  `t88`.`group`,
  CAST(`t88`.`mrr_u` AS DOUBLE) / 10000 AS `mrr`,
  CAST(`t88`.`mrr_u` * 12 AS DOUBLE) / 10000 AS `arr`,
  CAST(`t88`.`mrr_start_u` AS DOUBLE) / 10000 AS `mrr_start`,
  CAST(`t88`.`new` AS DOUBLE) / 10000 AS `new`,
  CAST(`t88`.`expansion` AS DOUBLE) / 10000 AS `expansion`,
  CAST(`t88`.`contraction` AS DOUBLE) / 10000 AS `contraction`,
  CAST(`t88`.`churn` AS DOUBLE) / 10000 AS `churn`,
  CAST(`t88`.`reactivation` AS DOUBLE) / 10000 AS `reactivation`,
  CAST(`t88`.`net` AS DOUBLE) / 10000 AS `net_new_mrr`,
  `t88`.`customers`,
  `t88`.`customers_start`,
  `t88`.`new_customers`,
  `t88`.`reactivated_customers`,
  `t88`.`churned_customers`,
  `t88`.`arpa`,
  `t88`.`customer_churn_rate`,
  `t88`.`gross_mrr_churn_rate`,
  `t88`.`net_mrr_churn_rate`,
  `t88`.`nrr`,
  `t88`.`grr`,
  `t88`.`nrr_ttm`,
  `t88`.`grr_ttm`,
  `t88`.`retention_rate`,
  `t88`.`ltv`
FROM (
  SELECT
    `t87`.`group`,
    `t87`.`period`,
    `t87`.`period_end`,
    `t87`.`period_label`,
    `t87`.`new`,
    `t87`.`expansion`,
    `t87`.`contraction`,
    `t87`.`churn`,
    `t87`.`reactivation`,
    `t87`.`net`,
    `t87`.`logo_change`,
    `t87`.`new_customers`,
    `t87`.`reactivated_customers`,
    `t87`.`churned_customers`,
    `t87`.`mrr_u`,
    `t87`.`customers`,
    `t87`.`mrr_start_u`,
    `t87`.`customers_start`,
    `t87`.`arpa`,
    `t87`.`customer_churn_rate`,
    `t87`.`gross_mrr_churn_rate`,
    `t87`.`net_mrr_churn_rate`,
    `t87`.`nrr`,
    `t87`.`grr`,
    `t87`.`retention_rate`,
    `t87`.`ltv`,
    `t87`.`nrr_ttm`,
    `t87`.`grr_ttm`,
    MIN(
      IF((
        `t87`.`net` <> 0
      ) OR (
        `t87`.`logo_change` <> 0
      ), `t87`.`period`, NULL)
    ) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS `_first`
  FROM (
    SELECT
      `t86`.`group`,
      `t86`.`period`,
      `t86`.`period_end`,
      `t86`.`period_label`,
      `t86`.`new`,
      `t86`.`expansion`,
      `t86`.`contraction`,
      `t86`.`churn`,
      `t86`.`reactivation`,
      `t86`.`net`,
      `t86`.`logo_change`,
      `t86`.`new_customers`,
      `t86`.`reactivated_customers`,
      `t86`.`churned_customers`,
      `t86`.`mrr_u`,
      `t86`.`customers`,
      `t86`.`mrr_start_u`,
      `t86`.`customers_start`,
      `t86`.`arpa`,
      `t86`.`customer_churn_rate`,
      `t86`.`gross_mrr_churn_rate`,
      `t86`.`net_mrr_churn_rate`,
      `t86`.`nrr`,
      `t86`.`grr`,
      `t86`.`retention_rate`,
      `t86`.`ltv`,
      `t86`.`nrr_ttm`,
      `t86`.`grr_ttm`
    FROM (
      SELECT
        `t85`.`group`,
        `t85`.`period`,
        `t85`.`period_end`,
        `t85`.`period_label`,
        `t85`.`new`,
        `t85`.`expansion`,
        `t85`.`contraction`,
        `t85`.`churn`,
        `t85`.`reactivation`,
        `t85`.`net`,
        `t85`.`logo_change`,
        `t85`.`new_customers`,
        `t85`.`reactivated_customers`,
        `t85`.`churned_customers`,
        `t85`.`mrr_u`,
        `t85`.`customers`,
        `t85`.`mrr_start_u`,
        `t85`.`customers_start`,
        `t85`.`arpa`,
        `t85`.`customer_churn_rate`,
        `t85`.`gross_mrr_churn_rate`,
        `t85`.`net_mrr_churn_rate`,
        `t85`.`nrr`,
        `t85`.`grr`,
        `t85`.`retention_rate`,
        `t85`.`ltv`,
        `t82`.`group` AS `group_right`,
        `t82`.`period` AS `period_right`,
        `t82`.`nrr_ttm`,
        `t82`.`grr_ttm`
      FROM (
        SELECT
          `t83`.`group`,
          `t83`.`period`,
          `t83`.`period_end`,
          `t83`.`period_label`,
          `t83`.`new`,
          `t83`.`expansion`,
          `t83`.`contraction`,
          `t83`.`churn`,
          `t83`.`reactivation`,
          `t83`.`net`,
          `t83`.`logo_change`,
          `t83`.`new_customers`,
          `t83`.`reactivated_customers`,
          `t83`.`churned_customers`,
          `t83`.`mrr_u`,
          `t83`.`customers`,
          `t83`.`mrr_start_u`,
          `t83`.`customers_start`,
          `t83`.`arpa`,
          `t83`.`customer_churn_rate`,
          `t83`.`gross_mrr_churn_rate`,
          `t83`.`net_mrr_churn_rate`,
          `t83`.`nrr`,
          `t83`.`grr`,
          `t83`.`retention_rate`,
          IF(
            (
              AVG(`t83`.`customer_churn_rate`) OVER (
                PARTITION BY `t83`.`group`
                ORDER BY `t83`.`period` ASC NULLS LAST
                ROWS BETWEEN 5 PRECEDING AND CURRENT ROW
              ) / 1
            ) > 0,
            (
              `t83`.`arpa` * 1.0
            ) / (
              AVG(`t83`.`customer_churn_rate`) OVER (
                PARTITION BY `t83`.`group`
                ORDER BY `t83`.`period` ASC NULLS LAST
                ROWS BETWEEN 5 PRECEDING AND CURRENT ROW
              ) / 1
            ),
            NULL
          ) AS `ltv`
        FROM (
          SELECT
            `t80`.`group`,
            `t80`.`period`,
            `t80`.`period_end`,
            `t80`.`period_label`,
            `t80`.`new`,
            `t80`.`expansion`,
            `t80`.`contraction`,
            `t80`.`churn`,
            `t80`.`reactivation`,
            `t80`.`net`,
            `t80`.`logo_change`,
            `t80`.`new_customers`,
            `t80`.`reactivated_customers`,
            `t80`.`churned_customers`,
            `t80`.`mrr_u`,
            `t80`.`customers`,
            `t80`.`mrr_start_u`,
            `t80`.`customers_start`,
            IF(
              `t80`.`customers` > 0,
              (
                CAST(`t80`.`mrr_u` AS DOUBLE) / 10000
              ) / `t80`.`customers`,
              NULL
            ) AS `arpa`,
            IF(
              `t80`.`customers_start` > 0,
              CAST(`t80`.`churned_customers` AS DOUBLE) / CAST(`t80`.`customers_start` AS DOUBLE),
              NULL
            ) AS `customer_churn_rate`,
            IF(
              `t80`.`mrr_start_u` > 0,
              CAST(`t80`.`churn` + `t80`.`contraction` AS DOUBLE) / CAST(`t80`.`mrr_start_u` AS DOUBLE),
              NULL
            ) AS `gross_mrr_churn_rate`,
            IF(
              `t80`.`mrr_start_u` > 0,
              CAST((
                (
                  `t80`.`churn` + `t80`.`contraction`
                ) - `t80`.`expansion`
              ) - `t80`.`reactivation` AS DOUBLE) / CAST(`t80`.`mrr_start_u` AS DOUBLE),
              NULL
            ) AS `net_mrr_churn_rate`,
            IF(
              `t80`.`mrr_start_u` > 0,
              CAST(`t80`.`mrr_start_u` - (
                (
                  (
                    `t80`.`churn` + `t80`.`contraction`
                  ) - `t80`.`expansion`
                ) - `t80`.`reactivation`
              ) AS DOUBLE) / CAST(`t80`.`mrr_start_u` AS DOUBLE),
              NULL
            ) AS `nrr`,
            IF(
              `t80`.`mrr_start_u` > 0,
              CAST(`t80`.`mrr_start_u` - (
                `t80`.`churn` + `t80`.`contraction`
              ) AS DOUBLE) / CAST(`t80`.`mrr_start_u` AS DOUBLE),
              NULL
            ) AS `grr`,
            IF(
              `t80`.`customers_start` > 0,
              CAST((
                `t80`.`customers` - `t80`.`new_customers`
              ) - `t80`.`reactivated_customers` AS DOUBLE) / CAST(`t80`.`customers_start` AS DOUBLE),
              NULL
            ) AS `retention_rate`
          FROM (
            SELECT
              `t78`.`group`,
              `t78`.`period`,
              `t78`.`period_end`,
              `t78`.`period_label`,
              `t78`.`new`,
              `t78`.`expansion`,
              `t78`.`contraction`,
              `t78`.`churn`,
              `t78`.`reactivation`,
              `t78`.`net`,
              `t78`.`logo_change`,
              `t78`.`new_customers`,
              `t78`.`reactivated_customers`,
              `t78`.`churned_customers`,
              `t78`.`mrr_u`,
              `t78`.`customers`,
              `t78`.`mrr_u` - `t78`.`net` AS `mrr_start_u`,
              `t78`.`customers` - `t78`.`logo_change` AS `customers_start`
            FROM (
              SELECT
                `t77`.`group`,
                `t77`.`period`,
                `t77`.`period_end`,
                `t77`.`period_label`,
                `t77`.`new`,
                `t77`.`expansion`,
                `t77`.`contraction`,
                `t77`.`churn`,
                `t77`.`reactivation`,
                `t77`.`net`,
                `t77`.`logo_change`,
                `t77`.`new_customers`,
                `t77`.`reactivated_customers`,
                `t77`.`churned_customers`,
                SUM(`t77`.`net`) OVER (
                  PARTITION BY `t77`.`group`
                  ORDER BY `t77`.`period` ASC NULLS LAST
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS `mrr_u`,
                SUM(`t77`.`logo_change`) OVER (
                  PARTITION BY `t77`.`group`
                  ORDER BY `t77`.`period` ASC NULLS LAST
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS `customers`
              FROM (
                SELECT
                  `t75`.`group`,
                  `t75`.`period`,
                  `t75`.`period_end`,
                  `t75`.`period_label`,
                  COALESCE(`t75`.`new`, 0) AS `new`,
                  COALESCE(`t75`.`expansion`, 0) AS `expansion`,
                  COALESCE(`t75`.`contraction`, 0) AS `contraction`,
                  COALESCE(`t75`.`churn`, 0) AS `churn`,
                  COALESCE(`t75`.`reactivation`, 0) AS `reactivation`,
                  COALESCE(`t75`.`net`, 0) AS `net`,
                  COALESCE(`t75`.`logo_change`, 0) AS `logo_change`,
                  COALESCE(`t75`.`new_customers`, 0) AS `new_customers`,
                  COALESCE(`t75`.`reactivated_customers`, 0) AS `reactivated_customers`,
                  COALESCE(`t75`.`churned_customers`, 0) AS `churned_customers`
                FROM (
                  SELECT
                    `t74`.`group`,
                    `t74`.`period`,
                    `t74`.`period_end`,
                    `t74`.`period_label`,
                    `t74`.`new`,
                    `t74`.`expansion`,
                    `t74`.`contraction`,
                    `t74`.`churn`,
                    `t74`.`reactivation`,
                    `t74`.`net`,
                    `t74`.`logo_change`,
                    `t74`.`new_customers`,
                    `t74`.`reactivated_customers`,
                    `t74`.`churned_customers`
                  FROM (
                    SELECT
                      `t8`.`group`,
                      `t9`.`period`,
                      `t9`.`period_end`,
                      `t9`.`period_label`,
                      `t69`.`group` AS `group_right`,
                      `t69`.`period` AS `period_right`,
                      `t69`.`new`,
                      `t69`.`expansion`,
                      `t69`.`contraction`,
                      `t69`.`churn`,
                      `t69`.`reactivation`,
                      `t69`.`net`,
                      `t69`.`logo_change`,
                      `t69`.`new_customers`,
                      `t69`.`reactivated_customers`,
                      `t69`.`churned_customers`
                    FROM `ibis_memtable_0` AS `t8`
                    CROSS JOIN `ibis_memtable_1` AS `t9`
                    LEFT OUTER JOIN (
                      SELECT
                        `t63`.`group`,
                        `t63`.`period`,
                        COALESCE(SUM(IF(`t63`.`movement` = 'new', ABS(`t63`.`delta`), NULL)), 0) AS `new`,
                        COALESCE(SUM(IF(`t63`.`movement` = 'expansion', ABS(`t63`.`delta`), NULL)), 0) AS `expansion`,
                        COALESCE(SUM(IF(`t63`.`movement` = 'contraction', ABS(`t63`.`delta`), NULL)), 0) AS `contraction`,
                        COALESCE(SUM(IF(`t63`.`movement` = 'churn', ABS(`t63`.`delta`), NULL)), 0) AS `churn`,
                        COALESCE(SUM(IF(`t63`.`movement` = 'reactivation', ABS(`t63`.`delta`), NULL)), 0) AS `reactivation`,
                        SUM(`t63`.`delta`) AS `net`,
                        SUM(
                          CASE
                            WHEN (
                              `t63`.`before` <= 0
                            ) AND (
                              `t63`.`after` > 0
                            )
                            THEN 1
                            WHEN (
                              `t63`.`before` > 0
                            ) AND (
                              `t63`.`after` <= 0
                            )
                            THEN -1
                            ELSE 0
                          END
                        ) AS `logo_change`,
                        COUNT(DISTINCT IF(`t63`.`movement` = 'new', `t63`.`customer_id`, NULL)) AS `new_customers`,
                        COUNT(DISTINCT IF(`t63`.`movement` = 'reactivation', `t63`.`customer_id`, NULL)) AS `reactivated_customers`,
                        COUNT(DISTINCT IF(`t63`.`movement` = 'churn', `t63`.`customer_id`, NULL)) AS `churned_customers`
                      FROM (
                        SELECT
                          `t62`.`customer_id`,
                          `t62`.`group`,
                          `t62`.`day`,
                          `t62`.`delta`,
                          `t62`.`before`,
                          `t62`.`after`,
                          `t62`.`total_before`,
                          `t62`.`total_after`,
                          `t62`.`first_on`,
                          `t62`.`movement`,
                          DATE_TRUNC('month', `t62`.`day`) AS `period`
                        FROM `t61` AS `t62`
                      ) AS `t63`
                      GROUP BY
                        1,
                        2
                    ) AS `t69`
                      ON `t8`.`group` = `t69`.`group` AND `t9`.`period` = `t69`.`period`
                  ) AS `t74`
                ) AS `t75`
              ) AS `t77`
            ) AS `t78`
          ) AS `t80`
        ) AS `t83`
      ) AS `t85`
      LEFT OUTER JOIN (
        SELECT
          `t79`.`group`,
          `t79`.`period`,
          IF(
            `t79`.`_then` > 0,
            CAST(`t79`.`_now` AS DOUBLE) / CAST(`t79`.`_then` AS DOUBLE),
            NULL
          ) AS `nrr_ttm`,
          IF(
            `t79`.`_then` > 0,
            CAST(`t79`.`_floor` AS DOUBLE) / CAST(`t79`.`_then` AS DOUBLE),
            NULL
          ) AS `grr_ttm`
        FROM (
          SELECT
            `t76`.`group`,
            `t76`.`period`,
            SUM(`t76`.`then`) AS `_then`,
            SUM(COALESCE(`t76`.`now`, 0)) AS `_now`,
            SUM(LEAST(COALESCE(`t76`.`now`, 0), `t76`.`then`)) AS `_floor`
          FROM (
            SELECT
              `t72`.`customer_id`,
              `t72`.`group`,
              `t72`.`period`,
              `t72`.`then`,
              `t73`.`customer_id` AS `customer_id_right`,
              `t73`.`group` AS `group_right`,
              `t73`.`period` AS `period_right`,
              `t73`.`now`
            FROM (
              SELECT
                `t67`.`customer_id`,
                `t67`.`group`,
                `t67`.`period`,
                `t67`.`after` AS `then`
              FROM (
                SELECT
                  `t65`.`customer_id`,
                  `t65`.`group`,
                  `t65`.`day`,
                  `t65`.`after`,
                  `t65`.`until`,
                  `t10`.`period`,
                  `t10`.`at`,
                  `t10`.`year_ago`
                FROM (
                  SELECT
                    `t62`.`customer_id`,
                    `t62`.`group`,
                    `t62`.`day`,
                    `t62`.`after`,
                    LEAD(`t62`.`day`) OVER (
                      PARTITION BY `t62`.`customer_id`, `t62`.`group`
                      ORDER BY `t62`.`day` ASC NULLS LAST
                    ) AS `until`
                  FROM `t61` AS `t62`
                ) AS `t65`
                INNER JOIN `ibis_memtable_2` AS `t10`
                  ON `t65`.`day` <= `t10`.`year_ago`
                  AND (
                    (
                      `t65`.`until` IS NULL
                    ) OR (
                      `t10`.`year_ago` < `t65`.`until`
                    )
                  )
              ) AS `t67`
              WHERE
                `t67`.`after` > 0
            ) AS `t72`
            LEFT OUTER JOIN (
              SELECT
                `t68`.`customer_id`,
                `t68`.`group`,
                `t68`.`period`,
                `t68`.`after` AS `now`
              FROM (
                SELECT
                  `t65`.`customer_id`,
                  `t65`.`group`,
                  `t65`.`day`,
                  `t65`.`after`,
                  `t65`.`until`,
                  `t10`.`period`,
                  `t10`.`at`,
                  `t10`.`year_ago`
                FROM (
                  SELECT
                    `t62`.`customer_id`,
                    `t62`.`group`,
                    `t62`.`day`,
                    `t62`.`after`,
                    LEAD(`t62`.`day`) OVER (
                      PARTITION BY `t62`.`customer_id`, `t62`.`group`
                      ORDER BY `t62`.`day` ASC NULLS LAST
                    ) AS `until`
                  FROM `t61` AS `t62`
                ) AS `t65`
                INNER JOIN `ibis_memtable_2` AS `t10`
                  ON `t65`.`day` <= `t10`.`at`
                  AND (
                    (
                      `t65`.`until` IS NULL
                    ) OR (
                      `t10`.`at` < `t65`.`until`
                    )
                  )
              ) AS `t68`
              WHERE
                `t68`.`after` > 0
            ) AS `t73`
              ON `t72`.`customer_id` = `t73`.`customer_id`
              AND `t72`.`group` = `t73`.`group`
              AND `t72`.`period` = `t73`.`period`
          ) AS `t76`
          GROUP BY
            1,
            2
        ) AS `t79`
      ) AS `t82`
        ON `t85`.`group` = `t82`.`group` AND `t85`.`period` = `t82`.`period`
    ) AS `t86`
  ) AS `t87`
) AS `t88`
WHERE
  `t88`.`period` >= COALESCE(`t88`.`_first`, MAKE_DATE(2026, 11, 1))
ORDER BY
  `t88`.`group` ASC NULLS LAST,
  `t88`.`period_label` ASC NULLS LAST
