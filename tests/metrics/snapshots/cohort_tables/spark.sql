-- run while the expression is built (1 of 2)
SELECT
  MIN(`t0`.`period_start_at`) AS `Min(period_start_at)`
FROM `invoice_lines_versions` AS `t0`;

-- run while the expression is built (2 of 2)
SELECT
  MIN(`t0`.`period_start_at`) AS `Min(period_start_at)`
FROM `invoice_lines_versions` AS `t0`;

-- the metric
WITH `t42` AS (
  SELECT
    `t41`.`line_id`,
    `t41`.`customer_id`,
    `t41`.`subscription_id`,
    `t41`.`invoice_id`,
    `t41`.`price_id`,
    `t41`.`product_id`,
    `t41`.`currency`,
    `t41`.`start_on`,
    `t41`.`end_on`,
    `t41`.`is_free`,
    `t41`.`paid`,
    CAST(SIGN(
      `t41`.`monthly_minor` * IF(
        `t41`.`currency` = 'USD',
        1.0,
        `t30`.`rate` * CASE
          WHEN `t41`.`currency` IN (
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
          WHEN `t41`.`currency` IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
          THEN 0.1
          ELSE 1.0
        END
      ) * 100
    ) * CAST(FLOOR(
      ABS(
        `t41`.`monthly_minor` * IF(
          `t41`.`currency` = 'USD',
          1.0,
          `t30`.`rate` * CASE
            WHEN `t41`.`currency` IN (
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
            WHEN `t41`.`currency` IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
            THEN 0.1
            ELSE 1.0
          END
        ) * 100
      ) + 0.5
    ) AS BIGINT) AS BIGINT) AS `units`
  FROM (
    SELECT
      `t39`.`line_id`,
      `t39`.`invoice_id`,
      `t39`.`subscription_id`,
      `t39`.`subscription_item_id`,
      `t39`.`price_id`,
      `t39`.`kind`,
      `t39`.`amount_minor`,
      UPPER(COALESCE(`t39`.`currency`, `t39`.`inv_currency`)) AS `currency`,
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
      `t39`.`_anchor_share`,
      CAST(IF(
        `t39`.`_proration`,
        COALESCE(`t39`.`_anchor_at`, `t39`.`period_start_at`),
        `t39`.`period_start_at`
      ) AS DATE) AS `fx_on`,
      CAST(`t39`.`period_start_at` AS DATE) AS `start_on`,
      CAST(`t39`.`_end_at` AS DATE) AS `end_on`,
      `t39`.`_monthly_list` * (
        1.0 - IF(`t39`.`_proration`, COALESCE(`t39`.`_anchor_share`, `t39`.`_share`), `t39`.`_share`)
      ) AS `monthly_minor`,
      COALESCE(`t39`.`price_free`, FALSE) OR (
        COALESCE(`t39`.`unit`, -1) = 0
      ) AS `is_free`,
      `t39`.`price_product` AS `product_id`
    FROM (
      SELECT
        `t38`.`line_id`,
        `t38`.`invoice_id`,
        `t38`.`subscription_id`,
        `t38`.`subscription_item_id`,
        `t38`.`price_id`,
        `t38`.`kind`,
        `t38`.`amount_minor`,
        `t38`.`currency`,
        `t38`.`quantity`,
        `t38`.`discount_minor`,
        `t38`.`tax_minor`,
        `t38`.`proration`,
        `t38`.`period_start_at`,
        `t38`.`period_end_at`,
        `t38`.`description`,
        `t38`.`_version_at`,
        `t38`.`customer_id`,
        `t38`.`inv_currency`,
        `t38`.`paid`,
        `t38`.`price_product`,
        `t38`.`unit`,
        `t38`.`price_interval`,
        `t38`.`price_count`,
        `t38`.`price_type`,
        `t38`.`price_free`,
        `t38`.`stop_at`,
        `t38`.`_proration`,
        `t38`.`_monthly_list`,
        `t38`.`_share`,
        `t38`.`_end_at`,
        `t38`.`_anchor_at`,
        `t38`.`_anchor_share`
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
          `t33`.`customer_id`,
          `t33`.`inv_currency`,
          `t33`.`paid`,
          `t33`.`price_product`,
          `t33`.`unit`,
          `t33`.`price_interval`,
          `t33`.`price_count`,
          `t33`.`price_type`,
          `t33`.`price_free`,
          `t33`.`stop_at`,
          `t33`.`_proration`,
          `t33`.`_monthly_list`,
          `t33`.`_share`,
          `t33`.`_end_at`,
          `t37`.`subscription_id` AS `subscription_id_right`,
          `t37`.`period_end_at` AS `period_end_at_right`,
          `t37`.`_anchor_at`,
          `t37`.`_anchor_share`
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
            `t25`.`stop_at`,
            COALESCE(`t25`.`proration`, FALSE) AS `_proration`,
            IF(
              COALESCE(`t25`.`proration`, FALSE),
              SIGN(CAST(COALESCE(`t25`.`amount_minor`, 0) AS DOUBLE)) * COALESCE(
                CAST(`t25`.`unit` * COALESCE(`t25`.`quantity`, 1) AS DOUBLE),
                (
                  ABS(CAST(COALESCE(`t25`.`amount_minor`, 0) AS DOUBLE)) * (
                    COALESCE(
                      CASE
                        WHEN `t25`.`price_interval` = 'day'
                        THEN 0.03287671232876712
                        WHEN `t25`.`price_interval` = 'week'
                        THEN 0.23076923076923078
                        WHEN `t25`.`price_interval` = 'month'
                        THEN 1.0
                        WHEN `t25`.`price_interval` = 'year'
                        THEN 12.0
                        ELSE NULL
                      END * CAST(COALESCE(`t25`.`price_count`, 1) AS DOUBLE),
                      (
                        CAST(UNIX_TIMESTAMP(CAST(`t25`.`period_end_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t25`.`period_start_at` AS TIMESTAMP)) AS DOUBLE) / 86400
                      ) / 30.4375
                    ) * 30.4375
                  )
                ) / GREATEST(
                  CAST(UNIX_TIMESTAMP(CAST(`t25`.`period_end_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t25`.`period_start_at` AS TIMESTAMP)) AS DOUBLE) / 86400,
                  0.041666666666666664
                )
              ),
              CAST(COALESCE(`t25`.`amount_minor`, 0) AS DOUBLE)
            ) / COALESCE(
              CASE
                WHEN `t25`.`price_interval` = 'day'
                THEN 0.03287671232876712
                WHEN `t25`.`price_interval` = 'week'
                THEN 0.23076923076923078
                WHEN `t25`.`price_interval` = 'month'
                THEN 1.0
                WHEN `t25`.`price_interval` = 'year'
                THEN 12.0
                ELSE NULL
              END * CAST(COALESCE(`t25`.`price_count`, 1) AS DOUBLE),
              (
                CAST(UNIX_TIMESTAMP(CAST(`t25`.`period_end_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t25`.`period_start_at` AS TIMESTAMP)) AS DOUBLE) / 86400
              ) / 30.4375
            ) AS `_monthly_list`,
            GREATEST(
              LEAST(
                IF(
                  CAST(COALESCE(`t25`.`amount_minor`, 0) AS DOUBLE) = 0,
                  0.0,
                  CAST(COALESCE(`t25`.`discount_minor`, 0) AS DOUBLE) / ABS(CAST(COALESCE(`t25`.`amount_minor`, 0) AS DOUBLE))
                ),
                1.0
              ),
              0.0
            ) AS `_share`,
            LEAST(`t25`.`period_end_at`, COALESCE(`t25`.`stop_at`, `t25`.`period_end_at`)) AS `_end_at`
          FROM (
            SELECT
              `t24`.`line_id`,
              `t24`.`invoice_id`,
              `t24`.`subscription_id`,
              `t24`.`subscription_item_id`,
              `t24`.`price_id`,
              `t24`.`kind`,
              `t24`.`amount_minor`,
              `t24`.`currency`,
              `t24`.`quantity`,
              `t24`.`discount_minor`,
              `t24`.`tax_minor`,
              `t24`.`proration`,
              `t24`.`period_start_at`,
              `t24`.`period_end_at`,
              `t24`.`description`,
              `t24`.`_version_at`,
              `t24`.`customer_id`,
              `t24`.`inv_currency`,
              `t24`.`paid`,
              `t24`.`price_product`,
              `t24`.`unit`,
              `t24`.`price_interval`,
              `t24`.`price_count`,
              `t24`.`price_type`,
              `t24`.`price_free`,
              `t24`.`stop_at`
            FROM (
              SELECT
                `t8`.`line_id`,
                `t8`.`invoice_id`,
                `t8`.`subscription_id`,
                `t8`.`subscription_item_id`,
                `t8`.`price_id`,
                `t8`.`kind`,
                `t8`.`amount_minor`,
                `t8`.`currency`,
                `t8`.`quantity`,
                `t8`.`discount_minor`,
                `t8`.`tax_minor`,
                `t8`.`proration`,
                `t8`.`period_start_at`,
                `t8`.`period_end_at`,
                `t8`.`description`,
                `t8`.`_version_at`,
                `t20`.`customer_id`,
                `t20`.`inv_currency`,
                `t20`.`paid`,
                `t15`.`price_id` AS `price_id_right`,
                `t15`.`price_product`,
                `t15`.`unit`,
                `t15`.`price_interval`,
                `t15`.`price_count`,
                `t15`.`price_type`,
                `t15`.`price_free`,
                `t21`.`subscription_id` AS `subscription_id_right`,
                `t21`.`stop_at`
              FROM `invoice_lines` AS `t8`
              INNER JOIN (
                SELECT
                  `t4`.`invoice_id`,
                  `t4`.`customer_id`,
                  `t4`.`currency` AS `inv_currency`,
                  `t4`.`status` = 'paid' AS `paid`
                FROM `invoices` AS `t4`
                WHERE
                  (
                    `t4`.`status` IS NULL
                  ) OR NOT (
                    `t4`.`status` IN ('void', 'draft')
                  )
              ) AS `t20`
                ON `t8`.`invoice_id` = `t20`.`invoice_id`
              LEFT OUTER JOIN (
                SELECT
                  `t5`.`price_id`,
                  `t5`.`product_id` AS `price_product`,
                  `t5`.`amount_minor` AS `unit`,
                  `t5`.`interval` AS `price_interval`,
                  `t5`.`interval_count` AS `price_count`,
                  `t5`.`type` AS `price_type`,
                  `t5`.`is_free` AS `price_free`
                FROM `prices` AS `t5`
              ) AS `t15`
                ON `t8`.`price_id` = `t15`.`price_id`
              LEFT OUTER JOIN (
                SELECT
                  `t6`.`subscription_id`,
                  COALESCE(`t6`.`ended_at`, IF(`t6`.`status` = 'canceled', `t6`.`canceled_at`, NULL)) AS `stop_at`
                FROM `subscriptions` AS `t6`
              ) AS `t21`
                ON `t8`.`subscription_id` = `t21`.`subscription_id`
            ) AS `t24`
          ) AS `t25`
          WHERE
            `t25`.`subscription_id` IS NOT NULL
            AND (
              (
                `t25`.`price_interval` IS NOT NULL
              )
              OR (
                (
                  `t25`.`price_type` IS NULL
                ) AND (
                  `t25`.`kind` = 'subscription'
                )
              )
            )
            AND `t25`.`period_start_at` IS NOT NULL
            AND `t25`.`period_end_at` IS NOT NULL
        ) AS `t33`
        LEFT OUTER JOIN (
          SELECT
            `t35`.`subscription_id`,
            `t35`.`period_end_at`,
            MIN(`t35`.`period_start_at`) AS `_anchor_at`,
            AVG(`t35`.`_share`) AS `_anchor_share`
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
              `t34`.`_end_at`
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
                `t25`.`stop_at`,
                COALESCE(`t25`.`proration`, FALSE) AS `_proration`,
                IF(
                  COALESCE(`t25`.`proration`, FALSE),
                  SIGN(CAST(COALESCE(`t25`.`amount_minor`, 0) AS DOUBLE)) * COALESCE(
                    CAST(`t25`.`unit` * COALESCE(`t25`.`quantity`, 1) AS DOUBLE),
                    (
                      ABS(CAST(COALESCE(`t25`.`amount_minor`, 0) AS DOUBLE)) * (
                        COALESCE(
                          CASE
                            WHEN `t25`.`price_interval` = 'day'
                            THEN 0.03287671232876712
                            WHEN `t25`.`price_interval` = 'week'
                            THEN 0.23076923076923078
                            WHEN `t25`.`price_interval` = 'month'
                            THEN 1.0
                            WHEN `t25`.`price_interval` = 'year'
                            THEN 12.0
                            ELSE NULL
                          END * CAST(COALESCE(`t25`.`price_count`, 1) AS DOUBLE),
                          (
                            CAST(UNIX_TIMESTAMP(CAST(`t25`.`period_end_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t25`.`period_start_at` AS TIMESTAMP)) AS DOUBLE) / 86400
                          ) / 30.4375
                        ) * 30.4375
                      )
                    ) / GREATEST(
                      CAST(UNIX_TIMESTAMP(CAST(`t25`.`period_end_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t25`.`period_start_at` AS TIMESTAMP)) AS DOUBLE) / 86400,
                      0.041666666666666664
                    )
                  ),
                  CAST(COALESCE(`t25`.`amount_minor`, 0) AS DOUBLE)
                ) / COALESCE(
                  CASE
                    WHEN `t25`.`price_interval` = 'day'
                    THEN 0.03287671232876712
                    WHEN `t25`.`price_interval` = 'week'
                    THEN 0.23076923076923078
                    WHEN `t25`.`price_interval` = 'month'
                    THEN 1.0
                    WHEN `t25`.`price_interval` = 'year'
                    THEN 12.0
                    ELSE NULL
                  END * CAST(COALESCE(`t25`.`price_count`, 1) AS DOUBLE),
                  (
                    CAST(UNIX_TIMESTAMP(CAST(`t25`.`period_end_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t25`.`period_start_at` AS TIMESTAMP)) AS DOUBLE) / 86400
                  ) / 30.4375
                ) AS `_monthly_list`,
                GREATEST(
                  LEAST(
                    IF(
                      CAST(COALESCE(`t25`.`amount_minor`, 0) AS DOUBLE) = 0,
                      0.0,
                      CAST(COALESCE(`t25`.`discount_minor`, 0) AS DOUBLE) / ABS(CAST(COALESCE(`t25`.`amount_minor`, 0) AS DOUBLE))
                    ),
                    1.0
                  ),
                  0.0
                ) AS `_share`,
                LEAST(`t25`.`period_end_at`, COALESCE(`t25`.`stop_at`, `t25`.`period_end_at`)) AS `_end_at`
              FROM (
                SELECT
                  `t24`.`line_id`,
                  `t24`.`invoice_id`,
                  `t24`.`subscription_id`,
                  `t24`.`subscription_item_id`,
                  `t24`.`price_id`,
                  `t24`.`kind`,
                  `t24`.`amount_minor`,
                  `t24`.`currency`,
                  `t24`.`quantity`,
                  `t24`.`discount_minor`,
                  `t24`.`tax_minor`,
                  `t24`.`proration`,
                  `t24`.`period_start_at`,
                  `t24`.`period_end_at`,
                  `t24`.`description`,
                  `t24`.`_version_at`,
                  `t24`.`customer_id`,
                  `t24`.`inv_currency`,
                  `t24`.`paid`,
                  `t24`.`price_product`,
                  `t24`.`unit`,
                  `t24`.`price_interval`,
                  `t24`.`price_count`,
                  `t24`.`price_type`,
                  `t24`.`price_free`,
                  `t24`.`stop_at`
                FROM (
                  SELECT
                    `t8`.`line_id`,
                    `t8`.`invoice_id`,
                    `t8`.`subscription_id`,
                    `t8`.`subscription_item_id`,
                    `t8`.`price_id`,
                    `t8`.`kind`,
                    `t8`.`amount_minor`,
                    `t8`.`currency`,
                    `t8`.`quantity`,
                    `t8`.`discount_minor`,
                    `t8`.`tax_minor`,
                    `t8`.`proration`,
                    `t8`.`period_start_at`,
                    `t8`.`period_end_at`,
                    `t8`.`description`,
                    `t8`.`_version_at`,
                    `t20`.`customer_id`,
                    `t20`.`inv_currency`,
                    `t20`.`paid`,
                    `t15`.`price_id` AS `price_id_right`,
                    `t15`.`price_product`,
                    `t15`.`unit`,
                    `t15`.`price_interval`,
                    `t15`.`price_count`,
                    `t15`.`price_type`,
                    `t15`.`price_free`,
                    `t21`.`subscription_id` AS `subscription_id_right`,
                    `t21`.`stop_at`
                  FROM `invoice_lines` AS `t8`
                  INNER JOIN (
                    SELECT
                      `t4`.`invoice_id`,
                      `t4`.`customer_id`,
                      `t4`.`currency` AS `inv_currency`,
                      `t4`.`status` = 'paid' AS `paid`
                    FROM `invoices` AS `t4`
                    WHERE
                      (
                        `t4`.`status` IS NULL
                      ) OR NOT (
                        `t4`.`status` IN ('void', 'draft')
                      )
                  ) AS `t20`
                    ON `t8`.`invoice_id` = `t20`.`invoice_id`
                  LEFT OUTER JOIN (
                    SELECT
                      `t5`.`price_id`,
                      `t5`.`product_id` AS `price_product`,
                      `t5`.`amount_minor` AS `unit`,
                      `t5`.`interval` AS `price_interval`,
                      `t5`.`interval_count` AS `price_count`,
                      `t5`.`type` AS `price_type`,
                      `t5`.`is_free` AS `price_free`
                    FROM `prices` AS `t5`
                  ) AS `t15`
                    ON `t8`.`price_id` = `t15`.`price_id`
                  LEFT OUTER JOIN (
                    SELECT
                      `t6`.`subscription_id`,
                      COALESCE(`t6`.`ended_at`, IF(`t6`.`status` = 'canceled', `t6`.`canceled_at`, NULL)) AS `stop_at`
                    FROM `subscriptions` AS `t6`
                  ) AS `t21`
                    ON `t8`.`subscription_id` = `t21`.`subscription_id`
                ) AS `t24`
              ) AS `t25`
              WHERE
                `t25`.`subscription_id` IS NOT NULL
                AND (
                  (
                    `t25`.`price_interval` IS NOT NULL
                  )
                  OR (
                    (
                      `t25`.`price_type` IS NULL
                    ) AND (
                      `t25`.`kind` = 'subscription'
                    )
                  )
                )
                AND `t25`.`period_start_at` IS NOT NULL
                AND `t25`.`period_end_at` IS NOT NULL
                AND NOT (
                  COALESCE(`t25`.`proration`, FALSE)
                )
            ) AS `t34`
            LEFT SEMI JOIN (
              SELECT DISTINCT
                `t25`.`subscription_id`,
                `t25`.`period_end_at`
              FROM (
                SELECT
                  `t24`.`line_id`,
                  `t24`.`invoice_id`,
                  `t24`.`subscription_id`,
                  `t24`.`subscription_item_id`,
                  `t24`.`price_id`,
                  `t24`.`kind`,
                  `t24`.`amount_minor`,
                  `t24`.`currency`,
                  `t24`.`quantity`,
                  `t24`.`discount_minor`,
                  `t24`.`tax_minor`,
                  `t24`.`proration`,
                  `t24`.`period_start_at`,
                  `t24`.`period_end_at`,
                  `t24`.`description`,
                  `t24`.`_version_at`,
                  `t24`.`customer_id`,
                  `t24`.`inv_currency`,
                  `t24`.`paid`,
                  `t24`.`price_product`,
                  `t24`.`unit`,
                  `t24`.`price_interval`,
                  `t24`.`price_count`,
                  `t24`.`price_type`,
                  `t24`.`price_free`,
                  `t24`.`stop_at`
                FROM (
                  SELECT
                    `t8`.`line_id`,
                    `t8`.`invoice_id`,
                    `t8`.`subscription_id`,
                    `t8`.`subscription_item_id`,
                    `t8`.`price_id`,
                    `t8`.`kind`,
                    `t8`.`amount_minor`,
                    `t8`.`currency`,
                    `t8`.`quantity`,
                    `t8`.`discount_minor`,
                    `t8`.`tax_minor`,
                    `t8`.`proration`,
                    `t8`.`period_start_at`,
                    `t8`.`period_end_at`,
                    `t8`.`description`,
                    `t8`.`_version_at`,
                    `t20`.`customer_id`,
                    `t20`.`inv_currency`,
                    `t20`.`paid`,
                    `t15`.`price_id` AS `price_id_right`,
                    `t15`.`price_product`,
                    `t15`.`unit`,
                    `t15`.`price_interval`,
                    `t15`.`price_count`,
                    `t15`.`price_type`,
                    `t15`.`price_free`,
                    `t21`.`subscription_id` AS `subscription_id_right`,
                    `t21`.`stop_at`
                  FROM `invoice_lines` AS `t8`
                  INNER JOIN (
                    SELECT
                      `t4`.`invoice_id`,
                      `t4`.`customer_id`,
                      `t4`.`currency` AS `inv_currency`,
                      `t4`.`status` = 'paid' AS `paid`
                    FROM `invoices` AS `t4`
                    WHERE
                      (
                        `t4`.`status` IS NULL
                      ) OR NOT (
                        `t4`.`status` IN ('void', 'draft')
                      )
                  ) AS `t20`
                    ON `t8`.`invoice_id` = `t20`.`invoice_id`
                  LEFT OUTER JOIN (
                    SELECT
                      `t5`.`price_id`,
                      `t5`.`product_id` AS `price_product`,
                      `t5`.`amount_minor` AS `unit`,
                      `t5`.`interval` AS `price_interval`,
                      `t5`.`interval_count` AS `price_count`,
                      `t5`.`type` AS `price_type`,
                      `t5`.`is_free` AS `price_free`
                    FROM `prices` AS `t5`
                  ) AS `t15`
                    ON `t8`.`price_id` = `t15`.`price_id`
                  LEFT OUTER JOIN (
                    SELECT
                      `t6`.`subscription_id`,
                      COALESCE(`t6`.`ended_at`, IF(`t6`.`status` = 'canceled', `t6`.`canceled_at`, NULL)) AS `stop_at`
                    FROM `subscriptions` AS `t6`
                  ) AS `t21`
                    ON `t8`.`subscription_id` = `t21`.`subscription_id`
                ) AS `t24`
              ) AS `t25`
              WHERE
                `t25`.`subscription_id` IS NOT NULL
                AND (
                  (
                    `t25`.`price_interval` IS NOT NULL
                  )
                  OR (
                    (
                      `t25`.`price_type` IS NULL
                    ) AND (
                      `t25`.`kind` = 'subscription'
                    )
                  )
                )
                AND `t25`.`period_start_at` IS NOT NULL
                AND `t25`.`period_end_at` IS NOT NULL
                AND COALESCE(`t25`.`proration`, FALSE)
            ) AS `t28`
              ON `t34`.`subscription_id` = `t28`.`subscription_id`
              AND `t34`.`period_end_at` = `t28`.`period_end_at`
          ) AS `t35`
          GROUP BY
            1,
            2
        ) AS `t37`
          ON `t33`.`subscription_id` = `t37`.`subscription_id`
          AND `t33`.`period_end_at` = `t37`.`period_end_at`
      ) AS `t38`
    ) AS `t39`
    WHERE
      CAST(`t39`.`period_start_at` AS DATE) < CAST(`t39`.`_end_at` AS DATE)
  ) AS `t41`
  LEFT OUTER JOIN (
    SELECT
      `t26`.`currency`,
      `t26`.`rate`,
      `t26`.`valid_to`,
      IF(`t26`.`first`, MAKE_DATE(1900, 1, 1), `t26`.`rate_on`) AS `valid_from`
    FROM (
      SELECT
        `t23`.`currency`,
        `t23`.`rate_on`,
        `t23`.`rate`,
        LEAD(`t23`.`rate_on`) OVER (PARTITION BY `t23`.`currency` ORDER BY `t23`.`rate_on` ASC NULLS LAST) AS `valid_to`,
        (
          ROW_NUMBER() OVER (PARTITION BY `t23`.`currency` ORDER BY `t23`.`rate_on` ASC NULLS LAST) - 1
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
        ) AS `t13`
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            `t16`.`currency`,
            `t16`.`rate_on`,
            `t16`.`rate`
          FROM (
            SELECT
              `t2`.`quote_currency` AS `currency`,
              `t2`.`rate_on`,
              1.0 / `t2`.`rate` AS `rate`
            FROM `fx_rates` AS `t2`
            WHERE
              `t2`.`currency` = 'USD' AND `t2`.`rate` > 0
          ) AS `t16`
          LEFT ANTI JOIN (
            SELECT DISTINCT
              `t2`.`currency`
            FROM `fx_rates` AS `t2`
            WHERE
              `t2`.`quote_currency` = 'USD'
          ) AS `t17`
            ON `t16`.`currency` = `t17`.`currency`
        ) AS `t22`
      ) AS `t23`
    ) AS `t26`
  ) AS `t30`
    ON `t41`.`currency` = `t30`.`currency`
    AND `t41`.`fx_on` >= `t30`.`valid_from`
    AND (
      (
        `t30`.`valid_to` IS NULL
      ) OR (
        `t41`.`fx_on` < `t30`.`valid_to`
      )
    )
), `t51` AS (
  SELECT
    `t50`.`customer_id`,
    `t50`.`group`,
    `t50`.`day`,
    `t50`.`delta`,
    `t50`.`after`,
    `t50`.`after` - `t50`.`delta` AS `before`
  FROM (
    SELECT
      `t49`.`customer_id`,
      `t49`.`group`,
      `t49`.`day`,
      `t49`.`delta`,
      SUM(`t49`.`delta`) OVER (
        PARTITION BY `t49`.`customer_id`, `t49`.`group`
        ORDER BY `t49`.`day` ASC NULLS LAST
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS `after`
    FROM (
      SELECT
        *
      FROM (
        SELECT
          `t47`.`customer_id`,
          `t47`.`group`,
          `t47`.`day`,
          SUM(`t47`.`delta`) AS `delta`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                `t43`.`customer_id`,
                'all' AS `group`,
                `t43`.`start_on` AS `day`,
                `t43`.`units` AS `delta`
              FROM `t42` AS `t43`
              WHERE
                `t43`.`units` <> 0
            ) AS `t44`
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                `t43`.`customer_id`,
                'all' AS `group`,
                `t43`.`end_on` AS `day`,
                -(
                  `t43`.`units`
                ) AS `delta`
              FROM `t42` AS `t43`
              WHERE
                `t43`.`units` <> 0
            ) AS `t45`
          ) AS `t46`
          WHERE
            `t46`.`day` <= MAKE_DATE(2026, 11, 1)
        ) AS `t47`
        GROUP BY
          1,
          2,
          3
      ) AS `t48`
      WHERE
        `t48`.`delta` <> 0
    ) AS `t49`
  ) AS `t50`
), `t60` AS (
  SELECT
    `t53`.`customer_id`,
    `t53`.`group`,
    `t53`.`day`,
    `t53`.`delta`,
    `t53`.`before`,
    `t53`.`after`,
    `t59`.`total_before`,
    `t59`.`total_after`,
    `t59`.`first_on`,
    CASE
      WHEN (
        `t53`.`delta` > 0
      )
      AND (
        `t59`.`total_before` <= 0
      )
      AND (
        `t53`.`day` = `t59`.`first_on`
      )
      THEN 'new'
      WHEN (
        `t53`.`delta` > 0
      ) AND (
        `t59`.`total_before` <= 0
      )
      THEN 'reactivation'
      WHEN `t53`.`delta` > 0
      THEN 'expansion'
      WHEN (
        `t53`.`delta` < 0
      ) AND (
        `t59`.`total_after` <= 0
      )
      THEN 'churn'
      ELSE 'contraction'
    END AS `movement`
  FROM `t51` AS `t53`
  INNER JOIN (
    SELECT
      `t57`.`customer_id`,
      `t57`.`day`,
      `t57`.`total_before`,
      `t57`.`total_after`,
      `t57`.`first_on`
    FROM (
      SELECT
        `t56`.`customer_id`,
        `t56`.`day`,
        `t56`.`total_delta`,
        `t56`.`total_after`,
        `t56`.`total_before`,
        MIN(
          IF((
            `t56`.`total_before` <= 0
          ) AND (
            `t56`.`total_after` > 0
          ), `t56`.`day`, NULL)
        ) OVER (
          PARTITION BY `t56`.`customer_id`
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS `first_on`
      FROM (
        SELECT
          `t55`.`customer_id`,
          `t55`.`day`,
          `t55`.`total_delta`,
          `t55`.`total_after`,
          `t55`.`total_after` - `t55`.`total_delta` AS `total_before`
        FROM (
          SELECT
            `t54`.`customer_id`,
            `t54`.`day`,
            `t54`.`total_delta`,
            SUM(`t54`.`total_delta`) OVER (
              PARTITION BY `t54`.`customer_id`
              ORDER BY `t54`.`day` ASC NULLS LAST
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS `total_after`
          FROM (
            SELECT
              `t52`.`customer_id`,
              `t52`.`day`,
              SUM(`t52`.`delta`) AS `total_delta`
            FROM `t51` AS `t52`
            GROUP BY
              1,
              2
          ) AS `t54`
        ) AS `t55`
      ) AS `t56`
    ) AS `t57`
  ) AS `t59`
    ON `t53`.`customer_id` = `t59`.`customer_id` AND `t53`.`day` = `t59`.`day`
), `t67` AS (
  SELECT
    `t66`.`customer_id`,
    `t66`.`group`,
    DATE_TRUNC('month', `t66`.`day`) AS `cohort_on`
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
      ROW_NUMBER() OVER (
        PARTITION BY `t62`.`customer_id`
        ORDER BY `t62`.`delta` DESC, `t62`.`group` ASC NULLS LAST
      ) - 1 AS `_pick`
    FROM (
      SELECT
        *
      FROM `t60` AS `t61`
      WHERE
        `t61`.`movement` = 'new'
    ) AS `t62`
  ) AS `t66`
  WHERE
    `t66`.`_pick` = 0
), `t79` AS (
  SELECT
    `t76`.`cohort_on`,
    `t76`.`group`,
    `t76`.`month`,
    COUNT(DISTINCT `t76`.`customer_id`) AS `customers`,
    SUM(`t76`.`mrr`) AS `mrr_u`
  FROM (
    SELECT
      `t73`.`customer_id`,
      `t73`.`month`,
      `t73`.`mrr`,
      `t70`.`group`,
      `t70`.`cohort_on`
    FROM (
      SELECT
        `t69`.`customer_id`,
        `t69`.`month`,
        `t69`.`mrr`
      FROM (
        SELECT
          `t65`.`customer_id`,
          `t65`.`group`,
          `t65`.`first_on`,
          `t7`.`period` AS `month`,
          `t65`.`after` AS `mrr`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              `t61`.`customer_id`,
              `t61`.`group`,
              `t61`.`day`,
              `t61`.`after`,
              `t61`.`first_on`,
              LEAD(`t61`.`day`) OVER (
                PARTITION BY `t61`.`customer_id`, `t61`.`group`
                ORDER BY `t61`.`day` ASC NULLS LAST
              ) AS `until`
            FROM `t60` AS `t61`
          ) AS `t63`
          WHERE
            `t63`.`after` > 0
        ) AS `t65`
        INNER JOIN `ibis_memtable_0` AS `t7`
          ON `t65`.`day` <= `t7`.`period_end`
          AND (
            (
              `t65`.`until` IS NULL
            ) OR (
              `t7`.`period_end` < `t65`.`until`
            )
          )
      ) AS `t69`
    ) AS `t73`
    INNER JOIN `t67` AS `t70`
      ON `t73`.`customer_id` = `t70`.`customer_id`
  ) AS `t76`
  GROUP BY
    1,
    2,
    3
)
SELECT
  *
FROM (
  SELECT
    DATE_FORMAT(`t88`.`cohort_on`, 'yyyy-MM') AS `cohort`,
    `t88`.`group`,
    (
      (
        (
          EXTRACT(year FROM `t88`.`month`) - EXTRACT(year FROM `t88`.`cohort_on`)
        ) * 12
      ) + EXTRACT(month FROM `t88`.`month`)
    ) - EXTRACT(month FROM `t88`.`cohort_on`) AS `period_index`,
    DATE_FORMAT(`t88`.`month`, 'yyyy-MM') AS `period`,
    `t88`.`cohort_customers`,
    COALESCE(`t88`.`customers`, 0) AS `customers`,
    CAST(COALESCE(`t88`.`customers`, 0) AS DOUBLE) / CAST(`t88`.`cohort_customers` AS DOUBLE) AS `logo_retention`,
    CAST(COALESCE(`t88`.`cohort_mrr_u`, 0) AS DOUBLE) / 10000 AS `cohort_mrr`,
    CAST(COALESCE(`t88`.`mrr_u`, 0) AS DOUBLE) / 10000 AS `mrr`,
    IF(
      COALESCE(`t88`.`cohort_mrr_u`, 0) > 0,
      CAST(COALESCE(`t88`.`mrr_u`, 0) AS DOUBLE) / CAST(COALESCE(`t88`.`cohort_mrr_u`, 0) AS DOUBLE),
      NULL
    ) AS `mrr_retention`
  FROM (
    SELECT
      `t87`.`cohort_on`,
      `t87`.`group`,
      `t87`.`cohort_customers`,
      `t87`.`month`,
      `t87`.`customers`,
      `t87`.`mrr_u`,
      `t87`.`cohort_mrr_u`
    FROM (
      SELECT
        `t86`.`cohort_on`,
        `t86`.`group`,
        `t86`.`cohort_customers`,
        `t86`.`month`,
        `t86`.`customers`,
        `t86`.`mrr_u`,
        `t83`.`cohort_on` AS `cohort_on_right`,
        `t83`.`group` AS `group_right`,
        `t83`.`cohort_mrr_u`
      FROM (
        SELECT
          `t84`.`cohort_on`,
          `t84`.`group`,
          `t84`.`cohort_customers`,
          `t84`.`month`,
          `t84`.`customers`,
          `t84`.`mrr_u`
        FROM (
          SELECT
            `t78`.`cohort_on`,
            `t78`.`group`,
            `t78`.`cohort_customers`,
            `t78`.`month`,
            `t81`.`cohort_on` AS `cohort_on_right`,
            `t81`.`group` AS `group_right`,
            `t81`.`month` AS `month_right`,
            `t81`.`customers`,
            `t81`.`mrr_u`
          FROM (
            SELECT
              *
            FROM (
              SELECT
                `t74`.`cohort_on`,
                `t74`.`group`,
                `t74`.`cohort_customers`,
                `t11`.`month`
              FROM (
                SELECT
                  `t68`.`cohort_on`,
                  `t68`.`group`,
                  COUNT(DISTINCT `t68`.`customer_id`) AS `cohort_customers`
                FROM `t67` AS `t68`
                GROUP BY
                  1,
                  2
              ) AS `t74`
              CROSS JOIN (
                SELECT
                  `t0`.`period` AS `month`
                FROM `ibis_memtable_1` AS `t0`
              ) AS `t11`
            ) AS `t75`
            WHERE
              `t75`.`month` >= `t75`.`cohort_on`
          ) AS `t78`
          LEFT OUTER JOIN `t79` AS `t81`
            ON `t78`.`cohort_on` = `t81`.`cohort_on`
            AND `t78`.`group` = `t81`.`group`
            AND `t78`.`month` = `t81`.`month`
        ) AS `t84`
      ) AS `t86`
      LEFT OUTER JOIN (
        SELECT
          `t80`.`cohort_on`,
          `t80`.`group`,
          `t80`.`mrr_u` AS `cohort_mrr_u`
        FROM `t79` AS `t80`
        WHERE
          `t80`.`month` = `t80`.`cohort_on`
      ) AS `t83`
        ON `t86`.`cohort_on` = `t83`.`cohort_on` AND `t86`.`group` = `t83`.`group`
    ) AS `t87`
  ) AS `t88`
) AS `t89`
ORDER BY
  `t89`.`group` ASC NULLS LAST,
  `t89`.`cohort` ASC NULLS LAST,
  `t89`.`period_index` ASC NULLS LAST
