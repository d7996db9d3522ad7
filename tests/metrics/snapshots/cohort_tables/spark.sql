-- run while the expression is built (1 of 2)
SELECT
  MIN(`t0`.`period_start_at`) AS `Min(period_start_at)`
FROM `invoice_lines_versions` AS `t0`;

-- run while the expression is built (2 of 2)
SELECT
  MIN(`t0`.`period_start_at`) AS `Min(period_start_at)`
FROM `invoice_lines_versions` AS `t0`;

-- the metric
WITH `t10` AS (
  SELECT
    `t6`.`price_id`,
    `t6`.`product_id` AS `price_product`,
    `t6`.`amount_minor` AS `unit`,
    `t6`.`interval` AS `price_interval`,
    `t6`.`interval_count` AS `price_count`,
    `t6`.`type` AS `price_type`,
    `t6`.`is_free` AS `price_free`
  FROM `prices` AS `t6`
), `t25` AS (
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
), `t53` AS (
  SELECT
    `t52`.`line_id`,
    `t52`.`customer_id`,
    `t52`.`subscription_id`,
    `t52`.`invoice_id`,
    `t52`.`price_id`,
    `t52`.`product_id`,
    `t52`.`currency`,
    `t52`.`start_on`,
    `t52`.`end_on`,
    `t52`.`is_free`,
    `t52`.`paid`,
    CAST(SIGN(`t52`.`monthly_minor` * IF(`t52`.`currency` = 'USD', 1.0, `t40`.`minor`) * 100) * CAST(FLOOR(
      ABS(`t52`.`monthly_minor` * IF(`t52`.`currency` = 'USD', 1.0, `t40`.`minor`) * 100) + 0.5
    ) AS BIGINT) AS BIGINT) AS `units`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t49`.`line_id`,
        `t49`.`invoice_id`,
        `t49`.`subscription_id`,
        `t49`.`subscription_item_id`,
        `t49`.`price_id`,
        `t49`.`kind`,
        `t49`.`amount_minor`,
        UPPER(COALESCE(`t49`.`currency`, `t49`.`inv_currency`)) AS `currency`,
        `t49`.`quantity`,
        `t49`.`discount_minor`,
        `t49`.`tax_minor`,
        `t49`.`proration`,
        `t49`.`period_start_at`,
        `t49`.`period_end_at`,
        `t49`.`description`,
        `t49`.`_version_at`,
        `t49`.`customer_id`,
        `t49`.`inv_currency`,
        `t49`.`paid`,
        `t49`.`price_product`,
        `t49`.`unit`,
        `t49`.`price_interval`,
        `t49`.`price_count`,
        `t49`.`price_type`,
        `t49`.`price_free`,
        `t49`.`_proration`,
        `t49`.`_share`,
        `t49`.`stop_at`,
        `t49`.`_monthly_list`,
        `t49`.`_end_at`,
        `t49`.`_anchor_at`,
        `t49`.`_anchor_share`,
        CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(
          CAST(FLOOR(
            UNIX_TIMESTAMP(
              IF(
                `t49`.`_proration`,
                COALESCE(`t49`.`_anchor_at`, `t49`.`period_start_at`),
                `t49`.`period_start_at`
              )
            ) / 86400
          ) AS BIGINT),
          ' days'
        ) AS INTERVAL) AS TIMESTAMP) AS DATE) AS `fx_on`,
        CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(CAST(FLOOR(UNIX_TIMESTAMP(`t49`.`period_start_at`) / 86400) AS BIGINT), ' days') AS INTERVAL) AS TIMESTAMP) AS DATE) AS `start_on`,
        CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(CAST(FLOOR(UNIX_TIMESTAMP(`t49`.`_end_at`) / 86400) AS BIGINT), ' days') AS INTERVAL) AS TIMESTAMP) AS DATE) AS `end_on`,
        `t49`.`_monthly_list` * (
          1.0 - IF(`t49`.`_proration`, COALESCE(`t49`.`_anchor_share`, `t49`.`_share`), `t49`.`_share`)
        ) AS `monthly_minor`,
        COALESCE(`t49`.`price_free`, FALSE) OR (
          COALESCE(`t49`.`unit`, -1) = 0
        ) AS `is_free`,
        `t49`.`price_product` AS `product_id`
      FROM (
        SELECT
          `t48`.`line_id`,
          `t48`.`invoice_id`,
          `t48`.`subscription_id`,
          `t48`.`subscription_item_id`,
          `t48`.`price_id`,
          `t48`.`kind`,
          `t48`.`amount_minor`,
          `t48`.`currency`,
          `t48`.`quantity`,
          `t48`.`discount_minor`,
          `t48`.`tax_minor`,
          `t48`.`proration`,
          `t48`.`period_start_at`,
          `t48`.`period_end_at`,
          `t48`.`description`,
          `t48`.`_version_at`,
          `t48`.`customer_id`,
          `t48`.`inv_currency`,
          `t48`.`paid`,
          `t48`.`price_product`,
          `t48`.`unit`,
          `t48`.`price_interval`,
          `t48`.`price_count`,
          `t48`.`price_type`,
          `t48`.`price_free`,
          `t48`.`_proration`,
          `t48`.`_share`,
          `t48`.`stop_at`,
          `t48`.`_monthly_list`,
          `t48`.`_end_at`,
          `t48`.`_anchor_at`,
          `t48`.`_anchor_share`
        FROM (
          SELECT
            `t47`.`line_id`,
            `t47`.`invoice_id`,
            `t47`.`subscription_id`,
            `t47`.`subscription_item_id`,
            `t47`.`price_id`,
            `t47`.`kind`,
            `t47`.`amount_minor`,
            `t47`.`currency`,
            `t47`.`quantity`,
            `t47`.`discount_minor`,
            `t47`.`tax_minor`,
            `t47`.`proration`,
            `t47`.`period_start_at`,
            `t47`.`period_end_at`,
            `t47`.`description`,
            `t47`.`_version_at`,
            `t47`.`customer_id`,
            `t47`.`inv_currency`,
            `t47`.`paid`,
            `t47`.`price_product`,
            `t47`.`unit`,
            `t47`.`price_interval`,
            `t47`.`price_count`,
            `t47`.`price_type`,
            `t47`.`price_free`,
            `t47`.`_proration`,
            `t47`.`_share`,
            `t47`.`stop_at`,
            `t47`.`_monthly_list`,
            `t47`.`_end_at`,
            `t43`.`subscription_id` AS `subscription_id_right`,
            `t43`.`period_end_at` AS `period_end_at_right`,
            `t43`.`_anchor_at`,
            `t43`.`_anchor_share`
          FROM (
            SELECT
              `t45`.`line_id`,
              `t45`.`invoice_id`,
              `t45`.`subscription_id`,
              `t45`.`subscription_item_id`,
              `t45`.`price_id`,
              `t45`.`kind`,
              `t45`.`amount_minor`,
              `t45`.`currency`,
              `t45`.`quantity`,
              `t45`.`discount_minor`,
              `t45`.`tax_minor`,
              `t45`.`proration`,
              `t45`.`period_start_at`,
              `t45`.`period_end_at`,
              `t45`.`description`,
              `t45`.`_version_at`,
              `t45`.`customer_id`,
              `t45`.`inv_currency`,
              `t45`.`paid`,
              `t45`.`price_product`,
              `t45`.`unit`,
              `t45`.`price_interval`,
              `t45`.`price_count`,
              `t45`.`price_type`,
              `t45`.`price_free`,
              `t45`.`_proration`,
              `t45`.`_share`,
              `t45`.`stop_at`,
              IF(
                `t45`.`_proration`,
                SIGN(CAST(COALESCE(`t45`.`amount_minor`, 0) AS DOUBLE)) * COALESCE(
                  CAST(`t45`.`unit` * COALESCE(`t45`.`quantity`, 1) AS DOUBLE),
                  (
                    ABS(CAST(COALESCE(`t45`.`amount_minor`, 0) AS DOUBLE)) * (
                      COALESCE(
                        CASE
                          WHEN `t45`.`price_interval` = 'day'
                          THEN 0.03287671232876712
                          WHEN `t45`.`price_interval` = 'week'
                          THEN 0.23076923076923078
                          WHEN `t45`.`price_interval` = 'month'
                          THEN 1.0
                          WHEN `t45`.`price_interval` = 'year'
                          THEN 12.0
                          ELSE NULL
                        END * CAST(COALESCE(`t45`.`price_count`, 1) AS DOUBLE),
                        (
                          (
                            UNIX_TIMESTAMP(`t45`.`period_end_at`) - UNIX_TIMESTAMP(`t45`.`period_start_at`)
                          ) / 86400
                        ) / 30.4375
                      ) * 30.4375
                    )
                  ) / GREATEST(
                    (
                      UNIX_TIMESTAMP(`t45`.`period_end_at`) - UNIX_TIMESTAMP(`t45`.`period_start_at`)
                    ) / 86400,
                    0.041666666666666664
                  )
                ),
                CAST(COALESCE(`t45`.`amount_minor`, 0) AS DOUBLE)
              ) / COALESCE(
                CASE
                  WHEN `t45`.`price_interval` = 'day'
                  THEN 0.03287671232876712
                  WHEN `t45`.`price_interval` = 'week'
                  THEN 0.23076923076923078
                  WHEN `t45`.`price_interval` = 'month'
                  THEN 1.0
                  WHEN `t45`.`price_interval` = 'year'
                  THEN 12.0
                  ELSE NULL
                END * CAST(COALESCE(`t45`.`price_count`, 1) AS DOUBLE),
                (
                  (
                    UNIX_TIMESTAMP(`t45`.`period_end_at`) - UNIX_TIMESTAMP(`t45`.`period_start_at`)
                  ) / 86400
                ) / 30.4375
              ) AS `_monthly_list`,
              LEAST(`t45`.`period_end_at`, COALESCE(`t45`.`stop_at`, `t45`.`period_end_at`)) AS `_end_at`
            FROM (
              SELECT
                `t44`.`line_id`,
                `t44`.`invoice_id`,
                `t44`.`subscription_id`,
                `t44`.`subscription_item_id`,
                `t44`.`price_id`,
                `t44`.`kind`,
                `t44`.`amount_minor`,
                `t44`.`currency`,
                `t44`.`quantity`,
                `t44`.`discount_minor`,
                `t44`.`tax_minor`,
                `t44`.`proration`,
                `t44`.`period_start_at`,
                `t44`.`period_end_at`,
                `t44`.`description`,
                `t44`.`_version_at`,
                `t44`.`customer_id`,
                `t44`.`inv_currency`,
                `t44`.`paid`,
                `t44`.`price_product`,
                `t44`.`unit`,
                `t44`.`price_interval`,
                `t44`.`price_count`,
                `t44`.`price_type`,
                `t44`.`price_free`,
                `t44`.`_proration`,
                `t44`.`_share`,
                `t44`.`stop_at`
              FROM (
                SELECT
                  `t41`.`line_id`,
                  `t41`.`invoice_id`,
                  `t41`.`subscription_id`,
                  `t41`.`subscription_item_id`,
                  `t41`.`price_id`,
                  `t41`.`kind`,
                  `t41`.`amount_minor`,
                  `t41`.`currency`,
                  `t41`.`quantity`,
                  `t41`.`discount_minor`,
                  `t41`.`tax_minor`,
                  `t41`.`proration`,
                  `t41`.`period_start_at`,
                  `t41`.`period_end_at`,
                  `t41`.`description`,
                  `t41`.`_version_at`,
                  `t41`.`customer_id`,
                  `t41`.`inv_currency`,
                  `t41`.`paid`,
                  `t41`.`price_product`,
                  `t41`.`unit`,
                  `t41`.`price_interval`,
                  `t41`.`price_count`,
                  `t41`.`price_type`,
                  `t41`.`price_free`,
                  `t41`.`_proration`,
                  `t41`.`_share`,
                  `t26`.`subscription_id` AS `subscription_id_right`,
                  `t26`.`stop_at`
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
                      `t33`.`customer_id`,
                      `t33`.`inv_currency`,
                      `t33`.`paid`,
                      `t33`.`price_product`,
                      `t33`.`unit`,
                      `t33`.`price_interval`,
                      `t33`.`price_count`,
                      `t33`.`price_type`,
                      `t33`.`price_free`
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
                        `t29`.`customer_id`,
                        `t29`.`inv_currency`,
                        `t29`.`paid`,
                        `t22`.`price_id` AS `price_id_right`,
                        `t22`.`price_product`,
                        `t22`.`unit`,
                        `t22`.`price_interval`,
                        `t22`.`price_count`,
                        `t22`.`price_type`,
                        `t22`.`price_free`
                      FROM `invoice_lines` AS `t8`
                      INNER JOIN `t25` AS `t29`
                        ON `t8`.`invoice_id` = `t29`.`invoice_id`
                      LEFT OUTER JOIN `t10` AS `t22`
                        ON `t8`.`price_id` = `t22`.`price_id`
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
                ) AS `t41`
                LEFT OUTER JOIN (
                  SELECT
                    `t3`.`subscription_id`,
                    COALESCE(`t3`.`ended_at`, IF(`t3`.`status` = 'canceled', `t3`.`canceled_at`, NULL)) AS `stop_at`
                  FROM `subscriptions` AS `t3`
                ) AS `t26`
                  ON `t41`.`subscription_id` = `t26`.`subscription_id`
              ) AS `t44`
            ) AS `t45`
          ) AS `t47`
          LEFT OUTER JOIN (
            SELECT
              `t38`.`subscription_id`,
              `t38`.`period_end_at`,
              MIN(`t38`.`period_start_at`) AS `_anchor_at`,
              AVG(`t38`.`_share`) AS `_anchor_share`
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
                COALESCE(`t34`.`proration`, FALSE) AS `_proration`,
                GREATEST(
                  LEAST(
                    IF(
                      CAST(COALESCE(`t34`.`amount_minor`, 0) AS DOUBLE) = 0,
                      0.0,
                      CAST(COALESCE(`t34`.`discount_minor`, 0) AS DOUBLE) / ABS(CAST(COALESCE(`t34`.`amount_minor`, 0) AS DOUBLE))
                    ),
                    1.0
                  ),
                  0.0
                ) AS `_share`
              FROM (
                SELECT
                  `t32`.`line_id`,
                  `t32`.`invoice_id`,
                  `t32`.`subscription_id`,
                  `t32`.`subscription_item_id`,
                  `t32`.`price_id`,
                  `t32`.`kind`,
                  `t32`.`amount_minor`,
                  `t32`.`currency`,
                  `t32`.`quantity`,
                  `t32`.`discount_minor`,
                  `t32`.`tax_minor`,
                  `t32`.`proration`,
                  `t32`.`period_start_at`,
                  `t32`.`period_end_at`,
                  `t32`.`description`,
                  `t32`.`_version_at`,
                  `t32`.`customer_id`,
                  `t32`.`inv_currency`,
                  `t32`.`paid`,
                  `t32`.`price_product`,
                  `t32`.`unit`,
                  `t32`.`price_interval`,
                  `t32`.`price_count`,
                  `t32`.`price_type`,
                  `t32`.`price_free`
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
                    `t28`.`customer_id`,
                    `t28`.`inv_currency`,
                    `t28`.`paid`,
                    `t21`.`price_id` AS `price_id_right`,
                    `t21`.`price_product`,
                    `t21`.`unit`,
                    `t21`.`price_interval`,
                    `t21`.`price_count`,
                    `t21`.`price_type`,
                    `t21`.`price_free`
                  FROM (
                    SELECT
                      *
                    FROM `invoice_lines` AS `t4`
                    WHERE
                      NOT (
                        COALESCE(`t4`.`proration`, FALSE)
                      )
                  ) AS `t24`
                  LEFT SEMI JOIN (
                    SELECT DISTINCT
                      `t4`.`subscription_id`,
                      `t4`.`period_end_at`
                    FROM `invoice_lines` AS `t4`
                    WHERE
                      COALESCE(`t4`.`proration`, FALSE)
                  ) AS `t20`
                    ON `t24`.`subscription_id` = `t20`.`subscription_id`
                    AND `t24`.`period_end_at` = `t20`.`period_end_at`
                  INNER JOIN `t25` AS `t28`
                    ON `t24`.`invoice_id` = `t28`.`invoice_id`
                  LEFT OUTER JOIN `t10` AS `t21`
                    ON `t24`.`price_id` = `t21`.`price_id`
                ) AS `t32`
              ) AS `t34`
              WHERE
                `t34`.`subscription_id` IS NOT NULL
                AND (
                  (
                    `t34`.`price_interval` IS NOT NULL
                  )
                  OR (
                    (
                      `t34`.`price_type` IS NULL
                    ) AND (
                      `t34`.`kind` = 'subscription'
                    )
                  )
                )
                AND `t34`.`period_start_at` IS NOT NULL
                AND `t34`.`period_end_at` IS NOT NULL
            ) AS `t38`
            GROUP BY
              1,
              2
          ) AS `t43`
            ON `t47`.`subscription_id` = `t43`.`subscription_id`
            AND `t47`.`period_end_at` = `t43`.`period_end_at`
        ) AS `t48`
      ) AS `t49`
    ) AS `t50`
    WHERE
      `t50`.`start_on` < `t50`.`end_on`
  ) AS `t52`
  LEFT OUTER JOIN (
    SELECT
      `t36`.`currency`,
      `t36`.`rate`,
      `t36`.`valid_to`,
      IF(`t36`.`first`, MAKE_DATE(1900, 1, 1), `t36`.`rate_on`) AS `valid_from`,
      IF(
        `t36`.`currency` = 'USD',
        1.0,
        `t36`.`rate` * CASE
          WHEN `t36`.`currency` IN (
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
          WHEN `t36`.`currency` IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
          THEN 0.1
          ELSE 1.0
        END
      ) AS `minor`
    FROM (
      SELECT
        `t31`.`currency`,
        `t31`.`rate_on`,
        `t31`.`rate`,
        LEAD(`t31`.`rate_on`) OVER (PARTITION BY `t31`.`currency` ORDER BY `t31`.`rate_on` ASC NULLS LAST) AS `valid_to`,
        (
          ROW_NUMBER() OVER (PARTITION BY `t31`.`currency` ORDER BY `t31`.`rate_on` ASC NULLS LAST) - 1
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
            `t17`.`currency`,
            `t17`.`rate_on`,
            `t17`.`rate`
          FROM (
            SELECT
              `t2`.`quote_currency` AS `currency`,
              `t2`.`rate_on`,
              1.0 / `t2`.`rate` AS `rate`
            FROM `fx_rates` AS `t2`
            WHERE
              `t2`.`currency` = 'USD' AND `t2`.`rate` > 0
          ) AS `t17`
          LEFT ANTI JOIN (
            SELECT DISTINCT
              `t2`.`currency`
            FROM `fx_rates` AS `t2`
            WHERE
              `t2`.`quote_currency` = 'USD'
          ) AS `t18`
            ON `t17`.`currency` = `t18`.`currency`
        ) AS `t30`
      ) AS `t31`
    ) AS `t36`
  ) AS `t40`
    ON `t52`.`currency` = `t40`.`currency`
    AND `t52`.`fx_on` >= `t40`.`valid_from`
    AND (
      (
        `t40`.`valid_to` IS NULL
      ) OR (
        `t52`.`fx_on` < `t40`.`valid_to`
      )
    )
), `t62` AS (
  SELECT
    `t61`.`customer_id`,
    `t61`.`group`,
    `t61`.`day`,
    `t61`.`delta`,
    `t61`.`after`,
    `t61`.`after` - `t61`.`delta` AS `before`
  FROM (
    SELECT
      `t60`.`customer_id`,
      `t60`.`group`,
      `t60`.`day`,
      `t60`.`delta`,
      SUM(`t60`.`delta`) OVER (
        PARTITION BY `t60`.`customer_id`, `t60`.`group`
        ORDER BY `t60`.`day` ASC NULLS LAST
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS `after`
    FROM (
      SELECT
        *
      FROM (
        SELECT
          `t58`.`customer_id`,
          `t58`.`group`,
          `t58`.`day`,
          SUM(`t58`.`delta`) AS `delta`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                `t54`.`customer_id`,
                'all' AS `group`,
                `t54`.`start_on` AS `day`,
                `t54`.`units` AS `delta`
              FROM `t53` AS `t54`
              WHERE
                `t54`.`units` <> 0
            ) AS `t55`
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                `t54`.`customer_id`,
                'all' AS `group`,
                `t54`.`end_on` AS `day`,
                -(
                  `t54`.`units`
                ) AS `delta`
              FROM `t53` AS `t54`
              WHERE
                `t54`.`units` <> 0
            ) AS `t56`
          ) AS `t57`
          WHERE
            `t57`.`day` <= MAKE_DATE(2026, 11, 1)
        ) AS `t58`
        GROUP BY
          1,
          2,
          3
      ) AS `t59`
      WHERE
        `t59`.`delta` <> 0
    ) AS `t60`
  ) AS `t61`
), `t71` AS (
  SELECT
    `t64`.`customer_id`,
    `t64`.`group`,
    `t64`.`day`,
    `t64`.`delta`,
    `t64`.`before`,
    `t64`.`after`,
    `t70`.`total_before`,
    `t70`.`total_after`,
    `t70`.`first_on`,
    CASE
      WHEN (
        `t64`.`delta` > 0
      )
      AND (
        `t70`.`total_before` <= 0
      )
      AND (
        `t64`.`day` = `t70`.`first_on`
      )
      THEN 'new'
      WHEN (
        `t64`.`delta` > 0
      ) AND (
        `t70`.`total_before` <= 0
      )
      THEN 'reactivation'
      WHEN `t64`.`delta` > 0
      THEN 'expansion'
      WHEN (
        `t64`.`delta` < 0
      ) AND (
        `t70`.`total_after` <= 0
      )
      THEN 'churn'
      ELSE 'contraction'
    END AS `movement`
  FROM `t62` AS `t64`
  INNER JOIN (
    SELECT
      `t68`.`customer_id`,
      `t68`.`day`,
      `t68`.`total_before`,
      `t68`.`total_after`,
      `t68`.`first_on`
    FROM (
      SELECT
        `t67`.`customer_id`,
        `t67`.`day`,
        `t67`.`total_delta`,
        `t67`.`total_after`,
        `t67`.`total_before`,
        MIN(
          IF((
            `t67`.`total_before` <= 0
          ) AND (
            `t67`.`total_after` > 0
          ), `t67`.`day`, NULL)
        ) OVER (
          PARTITION BY `t67`.`customer_id`
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS `first_on`
      FROM (
        SELECT
          `t66`.`customer_id`,
          `t66`.`day`,
          `t66`.`total_delta`,
          `t66`.`total_after`,
          `t66`.`total_after` - `t66`.`total_delta` AS `total_before`
        FROM (
          SELECT
            `t65`.`customer_id`,
            `t65`.`day`,
            `t65`.`total_delta`,
            SUM(`t65`.`total_delta`) OVER (
              PARTITION BY `t65`.`customer_id`
              ORDER BY `t65`.`day` ASC NULLS LAST
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS `total_after`
          FROM (
            SELECT
              `t63`.`customer_id`,
              `t63`.`day`,
              SUM(`t63`.`delta`) AS `total_delta`
            FROM `t62` AS `t63`
            GROUP BY
              1,
              2
          ) AS `t65`
        ) AS `t66`
      ) AS `t67`
    ) AS `t68`
  ) AS `t70`
    ON `t64`.`customer_id` = `t70`.`customer_id` AND `t64`.`day` = `t70`.`day`
), `t78` AS (
  SELECT
    `t77`.`customer_id`,
    `t77`.`group`,
    DATE_TRUNC('month', `t77`.`day`) AS `cohort_on`
  FROM (
    SELECT
      `t73`.`customer_id`,
      `t73`.`group`,
      `t73`.`day`,
      `t73`.`delta`,
      `t73`.`before`,
      `t73`.`after`,
      `t73`.`total_before`,
      `t73`.`total_after`,
      `t73`.`first_on`,
      `t73`.`movement`,
      ROW_NUMBER() OVER (
        PARTITION BY `t73`.`customer_id`
        ORDER BY `t73`.`delta` DESC, `t73`.`group` ASC NULLS LAST
      ) - 1 AS `_pick`
    FROM (
      SELECT
        *
      FROM `t71` AS `t72`
      WHERE
        `t72`.`movement` = 'new'
    ) AS `t73`
  ) AS `t77`
  WHERE
    `t77`.`_pick` = 0
), `t90` AS (
  SELECT
    `t87`.`cohort_on`,
    `t87`.`group`,
    `t87`.`month`,
    COUNT(DISTINCT `t87`.`customer_id`) AS `customers`,
    SUM(`t87`.`mrr`) AS `mrr_u`
  FROM (
    SELECT
      `t84`.`customer_id`,
      `t84`.`month`,
      `t84`.`mrr`,
      `t81`.`group`,
      `t81`.`cohort_on`
    FROM (
      SELECT
        `t80`.`customer_id`,
        `t80`.`month`,
        `t80`.`mrr`
      FROM (
        SELECT
          `t76`.`customer_id`,
          `t76`.`group`,
          `t76`.`first_on`,
          `t7`.`period` AS `month`,
          `t76`.`after` AS `mrr`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              `t72`.`customer_id`,
              `t72`.`group`,
              `t72`.`day`,
              `t72`.`after`,
              `t72`.`first_on`,
              LEAD(`t72`.`day`) OVER (
                PARTITION BY `t72`.`customer_id`, `t72`.`group`
                ORDER BY `t72`.`day` ASC NULLS LAST
              ) AS `until`
            FROM `t71` AS `t72`
          ) AS `t74`
          WHERE
            `t74`.`after` > 0
        ) AS `t76`
        INNER JOIN `ibis_memtable_0` AS `t7`
          ON `t76`.`day` <= `t7`.`period_end`
          AND (
            (
              `t76`.`until` IS NULL
            ) OR (
              `t7`.`period_end` < `t76`.`until`
            )
          )
      ) AS `t80`
    ) AS `t84`
    INNER JOIN `t78` AS `t81`
      ON `t84`.`customer_id` = `t81`.`customer_id`
  ) AS `t87`
  GROUP BY
    1,
    2,
    3
)
SELECT
  *
FROM (
  SELECT
    DATE_FORMAT(`t99`.`cohort_on`, 'yyyy-MM') AS `cohort`,
    `t99`.`group`,
    (
      (
        (
          EXTRACT(year FROM `t99`.`month`) - EXTRACT(year FROM `t99`.`cohort_on`)
        ) * 12
      ) + EXTRACT(month FROM `t99`.`month`)
    ) - EXTRACT(month FROM `t99`.`cohort_on`) AS `period_index`,
    DATE_FORMAT(`t99`.`month`, 'yyyy-MM') AS `period`,
    `t99`.`cohort_customers`,
    COALESCE(`t99`.`customers`, 0) AS `customers`,
    CAST(COALESCE(`t99`.`customers`, 0) AS DOUBLE) / CAST(`t99`.`cohort_customers` AS DOUBLE) AS `logo_retention`,
    CAST(COALESCE(`t99`.`cohort_mrr_u`, 0) AS DOUBLE) / 10000 AS `cohort_mrr`,
    CAST(COALESCE(`t99`.`mrr_u`, 0) AS DOUBLE) / 10000 AS `mrr`,
    IF(
      COALESCE(`t99`.`cohort_mrr_u`, 0) > 0,
      CAST(COALESCE(`t99`.`mrr_u`, 0) AS DOUBLE) / CAST(COALESCE(`t99`.`cohort_mrr_u`, 0) AS DOUBLE),
      NULL
    ) AS `mrr_retention`
  FROM (
    SELECT
      `t98`.`cohort_on`,
      `t98`.`group`,
      `t98`.`cohort_customers`,
      `t98`.`month`,
      `t98`.`customers`,
      `t98`.`mrr_u`,
      `t98`.`cohort_mrr_u`
    FROM (
      SELECT
        `t97`.`cohort_on`,
        `t97`.`group`,
        `t97`.`cohort_customers`,
        `t97`.`month`,
        `t97`.`customers`,
        `t97`.`mrr_u`,
        `t94`.`cohort_on` AS `cohort_on_right`,
        `t94`.`group` AS `group_right`,
        `t94`.`cohort_mrr_u`
      FROM (
        SELECT
          `t95`.`cohort_on`,
          `t95`.`group`,
          `t95`.`cohort_customers`,
          `t95`.`month`,
          `t95`.`customers`,
          `t95`.`mrr_u`
        FROM (
          SELECT
            `t89`.`cohort_on`,
            `t89`.`group`,
            `t89`.`cohort_customers`,
            `t89`.`month`,
            `t92`.`cohort_on` AS `cohort_on_right`,
            `t92`.`group` AS `group_right`,
            `t92`.`month` AS `month_right`,
            `t92`.`customers`,
            `t92`.`mrr_u`
          FROM (
            SELECT
              *
            FROM (
              SELECT
                `t85`.`cohort_on`,
                `t85`.`group`,
                `t85`.`cohort_customers`,
                `t11`.`month`
              FROM (
                SELECT
                  `t79`.`cohort_on`,
                  `t79`.`group`,
                  COUNT(DISTINCT `t79`.`customer_id`) AS `cohort_customers`
                FROM `t78` AS `t79`
                GROUP BY
                  1,
                  2
              ) AS `t85`
              CROSS JOIN (
                SELECT
                  `t0`.`period` AS `month`
                FROM `ibis_memtable_1` AS `t0`
              ) AS `t11`
            ) AS `t86`
            WHERE
              `t86`.`month` >= `t86`.`cohort_on`
          ) AS `t89`
          LEFT OUTER JOIN `t90` AS `t92`
            ON `t89`.`cohort_on` = `t92`.`cohort_on`
            AND `t89`.`group` = `t92`.`group`
            AND `t89`.`month` = `t92`.`month`
        ) AS `t95`
      ) AS `t97`
      LEFT OUTER JOIN (
        SELECT
          `t91`.`cohort_on`,
          `t91`.`group`,
          `t91`.`mrr_u` AS `cohort_mrr_u`
        FROM `t90` AS `t91`
        WHERE
          `t91`.`month` = `t91`.`cohort_on`
      ) AS `t94`
        ON `t97`.`cohort_on` = `t94`.`cohort_on` AND `t97`.`group` = `t94`.`group`
    ) AS `t98`
  ) AS `t99`
) AS `t100`
ORDER BY
  `t100`.`group` ASC NULLS LAST,
  `t100`.`cohort` ASC NULLS LAST,
  `t100`.`period_index` ASC NULLS LAST
