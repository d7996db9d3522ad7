-- run while the expression is built (1 of 1)
WITH `t6` AS (
  SELECT
    `t4`.`price_id`,
    `t4`.`product_id` AS `price_product`,
    `t4`.`amount_minor` AS `unit`,
    `t4`.`interval` AS `price_interval`,
    `t4`.`interval_count` AS `price_count`,
    `t4`.`type` AS `price_type`,
    `t4`.`is_free` AS `price_free`
  FROM `prices` AS `t4`
), `t20` AS (
  SELECT
    `t3`.`invoice_id`,
    `t3`.`customer_id`,
    `t3`.`currency` AS `inv_currency`,
    `t3`.`status` = 'paid' AS `paid`
  FROM `invoices` AS `t3`
  WHERE
    (
      `t3`.`status` IS NULL
    ) OR NOT (
      `t3`.`status` IN ('void', 'draft')
    )
), `t48` AS (
  SELECT
    `t47`.`line_id`,
    `t47`.`customer_id`,
    `t47`.`subscription_id`,
    `t47`.`invoice_id`,
    `t47`.`price_id`,
    `t47`.`product_id`,
    `t47`.`currency`,
    `t47`.`start_on`,
    `t47`.`end_on`,
    `t47`.`is_free`,
    `t47`.`paid`,
    CAST(SIGN(`t47`.`monthly_minor` * IF(`t47`.`currency` = 'USD', 1.0, `t35`.`minor`) * 100) * CAST(FLOOR(
      ABS(`t47`.`monthly_minor` * IF(`t47`.`currency` = 'USD', 1.0, `t35`.`minor`) * 100) + 0.5
    ) AS BIGINT) AS BIGINT) AS `units`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t44`.`line_id`,
        `t44`.`invoice_id`,
        `t44`.`subscription_id`,
        `t44`.`subscription_item_id`,
        `t44`.`price_id`,
        `t44`.`kind`,
        `t44`.`amount_minor`,
        UPPER(COALESCE(`t44`.`currency`, `t44`.`inv_currency`)) AS `currency`,
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
        `t44`.`stop_at`,
        `t44`.`_monthly_list`,
        `t44`.`_end_at`,
        `t44`.`_anchor_at`,
        `t44`.`_anchor_share`,
        CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(
          CAST(FLOOR(
            UNIX_TIMESTAMP(
              IF(
                `t44`.`_proration`,
                COALESCE(`t44`.`_anchor_at`, `t44`.`period_start_at`),
                `t44`.`period_start_at`
              )
            ) / 86400
          ) AS BIGINT),
          ' days'
        ) AS INTERVAL) AS TIMESTAMP) AS DATE) AS `fx_on`,
        CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(CAST(FLOOR(UNIX_TIMESTAMP(`t44`.`period_start_at`) / 86400) AS BIGINT), ' days') AS INTERVAL) AS TIMESTAMP) AS DATE) AS `start_on`,
        CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(CAST(FLOOR(UNIX_TIMESTAMP(`t44`.`_end_at`) / 86400) AS BIGINT), ' days') AS INTERVAL) AS TIMESTAMP) AS DATE) AS `end_on`,
        `t44`.`_monthly_list` * (
          1.0 - IF(`t44`.`_proration`, COALESCE(`t44`.`_anchor_share`, `t44`.`_share`), `t44`.`_share`)
        ) AS `monthly_minor`,
        COALESCE(`t44`.`price_free`, FALSE) OR (
          COALESCE(`t44`.`unit`, -1) = 0
        ) AS `is_free`,
        `t44`.`price_product` AS `product_id`
      FROM (
        SELECT
          `t43`.`line_id`,
          `t43`.`invoice_id`,
          `t43`.`subscription_id`,
          `t43`.`subscription_item_id`,
          `t43`.`price_id`,
          `t43`.`kind`,
          `t43`.`amount_minor`,
          `t43`.`currency`,
          `t43`.`quantity`,
          `t43`.`discount_minor`,
          `t43`.`tax_minor`,
          `t43`.`proration`,
          `t43`.`period_start_at`,
          `t43`.`period_end_at`,
          `t43`.`description`,
          `t43`.`_version_at`,
          `t43`.`customer_id`,
          `t43`.`inv_currency`,
          `t43`.`paid`,
          `t43`.`price_product`,
          `t43`.`unit`,
          `t43`.`price_interval`,
          `t43`.`price_count`,
          `t43`.`price_type`,
          `t43`.`price_free`,
          `t43`.`_proration`,
          `t43`.`_share`,
          `t43`.`stop_at`,
          `t43`.`_monthly_list`,
          `t43`.`_end_at`,
          `t43`.`_anchor_at`,
          `t43`.`_anchor_share`
        FROM (
          SELECT
            `t42`.`line_id`,
            `t42`.`invoice_id`,
            `t42`.`subscription_id`,
            `t42`.`subscription_item_id`,
            `t42`.`price_id`,
            `t42`.`kind`,
            `t42`.`amount_minor`,
            `t42`.`currency`,
            `t42`.`quantity`,
            `t42`.`discount_minor`,
            `t42`.`tax_minor`,
            `t42`.`proration`,
            `t42`.`period_start_at`,
            `t42`.`period_end_at`,
            `t42`.`description`,
            `t42`.`_version_at`,
            `t42`.`customer_id`,
            `t42`.`inv_currency`,
            `t42`.`paid`,
            `t42`.`price_product`,
            `t42`.`unit`,
            `t42`.`price_interval`,
            `t42`.`price_count`,
            `t42`.`price_type`,
            `t42`.`price_free`,
            `t42`.`_proration`,
            `t42`.`_share`,
            `t42`.`stop_at`,
            `t42`.`_monthly_list`,
            `t42`.`_end_at`,
            `t38`.`subscription_id` AS `subscription_id_right`,
            `t38`.`period_end_at` AS `period_end_at_right`,
            `t38`.`_anchor_at`,
            `t38`.`_anchor_share`
          FROM (
            SELECT
              `t40`.`line_id`,
              `t40`.`invoice_id`,
              `t40`.`subscription_id`,
              `t40`.`subscription_item_id`,
              `t40`.`price_id`,
              `t40`.`kind`,
              `t40`.`amount_minor`,
              `t40`.`currency`,
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
              `t40`.`_proration`,
              `t40`.`_share`,
              `t40`.`stop_at`,
              IF(
                `t40`.`_proration`,
                SIGN(CAST(COALESCE(`t40`.`amount_minor`, 0) AS DOUBLE)) * COALESCE(
                  CAST(`t40`.`unit` * COALESCE(`t40`.`quantity`, 1) AS DOUBLE),
                  (
                    ABS(CAST(COALESCE(`t40`.`amount_minor`, 0) AS DOUBLE)) * (
                      COALESCE(
                        CASE
                          WHEN `t40`.`price_interval` = 'day'
                          THEN 0.03287671232876712
                          WHEN `t40`.`price_interval` = 'week'
                          THEN 0.23076923076923078
                          WHEN `t40`.`price_interval` = 'month'
                          THEN 1.0
                          WHEN `t40`.`price_interval` = 'year'
                          THEN 12.0
                          ELSE NULL
                        END * CAST(COALESCE(`t40`.`price_count`, 1) AS DOUBLE),
                        (
                          (
                            UNIX_TIMESTAMP(`t40`.`period_end_at`) - UNIX_TIMESTAMP(`t40`.`period_start_at`)
                          ) / 86400
                        ) / 30.4375
                      ) * 30.4375
                    )
                  ) / GREATEST(
                    (
                      UNIX_TIMESTAMP(`t40`.`period_end_at`) - UNIX_TIMESTAMP(`t40`.`period_start_at`)
                    ) / 86400,
                    0.041666666666666664
                  )
                ),
                CAST(COALESCE(`t40`.`amount_minor`, 0) AS DOUBLE)
              ) / COALESCE(
                CASE
                  WHEN `t40`.`price_interval` = 'day'
                  THEN 0.03287671232876712
                  WHEN `t40`.`price_interval` = 'week'
                  THEN 0.23076923076923078
                  WHEN `t40`.`price_interval` = 'month'
                  THEN 1.0
                  WHEN `t40`.`price_interval` = 'year'
                  THEN 12.0
                  ELSE NULL
                END * CAST(COALESCE(`t40`.`price_count`, 1) AS DOUBLE),
                (
                  (
                    UNIX_TIMESTAMP(`t40`.`period_end_at`) - UNIX_TIMESTAMP(`t40`.`period_start_at`)
                  ) / 86400
                ) / 30.4375
              ) AS `_monthly_list`,
              LEAST(`t40`.`period_end_at`, COALESCE(`t40`.`stop_at`, `t40`.`period_end_at`)) AS `_end_at`
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
                `t39`.`_proration`,
                `t39`.`_share`,
                `t39`.`stop_at`
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
                  `t36`.`_proration`,
                  `t36`.`_share`,
                  `t21`.`subscription_id` AS `subscription_id_right`,
                  `t21`.`stop_at`
                FROM (
                  SELECT
                    `t30`.`line_id`,
                    `t30`.`invoice_id`,
                    `t30`.`subscription_id`,
                    `t30`.`subscription_item_id`,
                    `t30`.`price_id`,
                    `t30`.`kind`,
                    `t30`.`amount_minor`,
                    `t30`.`currency`,
                    `t30`.`quantity`,
                    `t30`.`discount_minor`,
                    `t30`.`tax_minor`,
                    `t30`.`proration`,
                    `t30`.`period_start_at`,
                    `t30`.`period_end_at`,
                    `t30`.`description`,
                    `t30`.`_version_at`,
                    `t30`.`customer_id`,
                    `t30`.`inv_currency`,
                    `t30`.`paid`,
                    `t30`.`price_product`,
                    `t30`.`unit`,
                    `t30`.`price_interval`,
                    `t30`.`price_count`,
                    `t30`.`price_type`,
                    `t30`.`price_free`,
                    COALESCE(`t30`.`proration`, FALSE) AS `_proration`,
                    GREATEST(
                      LEAST(
                        IF(
                          CAST(COALESCE(`t30`.`amount_minor`, 0) AS DOUBLE) = 0,
                          0.0,
                          CAST(COALESCE(`t30`.`discount_minor`, 0) AS DOUBLE) / ABS(CAST(COALESCE(`t30`.`amount_minor`, 0) AS DOUBLE))
                        ),
                        1.0
                      ),
                      0.0
                    ) AS `_share`
                  FROM (
                    SELECT
                      `t28`.`line_id`,
                      `t28`.`invoice_id`,
                      `t28`.`subscription_id`,
                      `t28`.`subscription_item_id`,
                      `t28`.`price_id`,
                      `t28`.`kind`,
                      `t28`.`amount_minor`,
                      `t28`.`currency`,
                      `t28`.`quantity`,
                      `t28`.`discount_minor`,
                      `t28`.`tax_minor`,
                      `t28`.`proration`,
                      `t28`.`period_start_at`,
                      `t28`.`period_end_at`,
                      `t28`.`description`,
                      `t28`.`_version_at`,
                      `t28`.`customer_id`,
                      `t28`.`inv_currency`,
                      `t28`.`paid`,
                      `t28`.`price_product`,
                      `t28`.`unit`,
                      `t28`.`price_interval`,
                      `t28`.`price_count`,
                      `t28`.`price_type`,
                      `t28`.`price_free`
                    FROM (
                      SELECT
                        `t5`.`line_id`,
                        `t5`.`invoice_id`,
                        `t5`.`subscription_id`,
                        `t5`.`subscription_item_id`,
                        `t5`.`price_id`,
                        `t5`.`kind`,
                        `t5`.`amount_minor`,
                        `t5`.`currency`,
                        `t5`.`quantity`,
                        `t5`.`discount_minor`,
                        `t5`.`tax_minor`,
                        `t5`.`proration`,
                        `t5`.`period_start_at`,
                        `t5`.`period_end_at`,
                        `t5`.`description`,
                        `t5`.`_version_at`,
                        `t24`.`customer_id`,
                        `t24`.`inv_currency`,
                        `t24`.`paid`,
                        `t17`.`price_id` AS `price_id_right`,
                        `t17`.`price_product`,
                        `t17`.`unit`,
                        `t17`.`price_interval`,
                        `t17`.`price_count`,
                        `t17`.`price_type`,
                        `t17`.`price_free`
                      FROM `invoice_lines` AS `t5`
                      INNER JOIN `t20` AS `t24`
                        ON `t5`.`invoice_id` = `t24`.`invoice_id`
                      LEFT OUTER JOIN `t6` AS `t17`
                        ON `t5`.`price_id` = `t17`.`price_id`
                    ) AS `t28`
                  ) AS `t30`
                  WHERE
                    `t30`.`subscription_id` IS NOT NULL
                    AND (
                      (
                        `t30`.`price_interval` IS NOT NULL
                      )
                      OR (
                        (
                          `t30`.`price_type` IS NULL
                        ) AND (
                          `t30`.`kind` = 'subscription'
                        )
                      )
                    )
                    AND `t30`.`period_start_at` IS NOT NULL
                    AND `t30`.`period_end_at` IS NOT NULL
                ) AS `t36`
                LEFT OUTER JOIN (
                  SELECT
                    `t1`.`subscription_id`,
                    COALESCE(`t1`.`ended_at`, IF(`t1`.`status` = 'canceled', `t1`.`canceled_at`, NULL)) AS `stop_at`
                  FROM `subscriptions` AS `t1`
                ) AS `t21`
                  ON `t36`.`subscription_id` = `t21`.`subscription_id`
              ) AS `t39`
            ) AS `t40`
          ) AS `t42`
          LEFT OUTER JOIN (
            SELECT
              `t33`.`subscription_id`,
              `t33`.`period_end_at`,
              MIN(`t33`.`period_start_at`) AS `_anchor_at`,
              AVG(`t33`.`_share`) AS `_anchor_share`
            FROM (
              SELECT
                `t29`.`line_id`,
                `t29`.`invoice_id`,
                `t29`.`subscription_id`,
                `t29`.`subscription_item_id`,
                `t29`.`price_id`,
                `t29`.`kind`,
                `t29`.`amount_minor`,
                `t29`.`currency`,
                `t29`.`quantity`,
                `t29`.`discount_minor`,
                `t29`.`tax_minor`,
                `t29`.`proration`,
                `t29`.`period_start_at`,
                `t29`.`period_end_at`,
                `t29`.`description`,
                `t29`.`_version_at`,
                `t29`.`customer_id`,
                `t29`.`inv_currency`,
                `t29`.`paid`,
                `t29`.`price_product`,
                `t29`.`unit`,
                `t29`.`price_interval`,
                `t29`.`price_count`,
                `t29`.`price_type`,
                `t29`.`price_free`,
                COALESCE(`t29`.`proration`, FALSE) AS `_proration`,
                GREATEST(
                  LEAST(
                    IF(
                      CAST(COALESCE(`t29`.`amount_minor`, 0) AS DOUBLE) = 0,
                      0.0,
                      CAST(COALESCE(`t29`.`discount_minor`, 0) AS DOUBLE) / ABS(CAST(COALESCE(`t29`.`amount_minor`, 0) AS DOUBLE))
                    ),
                    1.0
                  ),
                  0.0
                ) AS `_share`
              FROM (
                SELECT
                  `t27`.`line_id`,
                  `t27`.`invoice_id`,
                  `t27`.`subscription_id`,
                  `t27`.`subscription_item_id`,
                  `t27`.`price_id`,
                  `t27`.`kind`,
                  `t27`.`amount_minor`,
                  `t27`.`currency`,
                  `t27`.`quantity`,
                  `t27`.`discount_minor`,
                  `t27`.`tax_minor`,
                  `t27`.`proration`,
                  `t27`.`period_start_at`,
                  `t27`.`period_end_at`,
                  `t27`.`description`,
                  `t27`.`_version_at`,
                  `t27`.`customer_id`,
                  `t27`.`inv_currency`,
                  `t27`.`paid`,
                  `t27`.`price_product`,
                  `t27`.`unit`,
                  `t27`.`price_interval`,
                  `t27`.`price_count`,
                  `t27`.`price_type`,
                  `t27`.`price_free`
                FROM (
                  SELECT
                    `t19`.`line_id`,
                    `t19`.`invoice_id`,
                    `t19`.`subscription_id`,
                    `t19`.`subscription_item_id`,
                    `t19`.`price_id`,
                    `t19`.`kind`,
                    `t19`.`amount_minor`,
                    `t19`.`currency`,
                    `t19`.`quantity`,
                    `t19`.`discount_minor`,
                    `t19`.`tax_minor`,
                    `t19`.`proration`,
                    `t19`.`period_start_at`,
                    `t19`.`period_end_at`,
                    `t19`.`description`,
                    `t19`.`_version_at`,
                    `t23`.`customer_id`,
                    `t23`.`inv_currency`,
                    `t23`.`paid`,
                    `t16`.`price_id` AS `price_id_right`,
                    `t16`.`price_product`,
                    `t16`.`unit`,
                    `t16`.`price_interval`,
                    `t16`.`price_count`,
                    `t16`.`price_type`,
                    `t16`.`price_free`
                  FROM (
                    SELECT
                      *
                    FROM `invoice_lines` AS `t2`
                    WHERE
                      NOT (
                        COALESCE(`t2`.`proration`, FALSE)
                      )
                  ) AS `t19`
                  LEFT SEMI JOIN (
                    SELECT DISTINCT
                      `t2`.`subscription_id`,
                      `t2`.`period_end_at`
                    FROM `invoice_lines` AS `t2`
                    WHERE
                      COALESCE(`t2`.`proration`, FALSE)
                  ) AS `t15`
                    ON `t19`.`subscription_id` = `t15`.`subscription_id`
                    AND `t19`.`period_end_at` = `t15`.`period_end_at`
                  INNER JOIN `t20` AS `t23`
                    ON `t19`.`invoice_id` = `t23`.`invoice_id`
                  LEFT OUTER JOIN `t6` AS `t16`
                    ON `t19`.`price_id` = `t16`.`price_id`
                ) AS `t27`
              ) AS `t29`
              WHERE
                `t29`.`subscription_id` IS NOT NULL
                AND (
                  (
                    `t29`.`price_interval` IS NOT NULL
                  )
                  OR (
                    (
                      `t29`.`price_type` IS NULL
                    ) AND (
                      `t29`.`kind` = 'subscription'
                    )
                  )
                )
                AND `t29`.`period_start_at` IS NOT NULL
                AND `t29`.`period_end_at` IS NOT NULL
            ) AS `t33`
            GROUP BY
              1,
              2
          ) AS `t38`
            ON `t42`.`subscription_id` = `t38`.`subscription_id`
            AND `t42`.`period_end_at` = `t38`.`period_end_at`
        ) AS `t43`
      ) AS `t44`
    ) AS `t45`
    WHERE
      `t45`.`start_on` < `t45`.`end_on`
  ) AS `t47`
  LEFT OUTER JOIN (
    SELECT
      `t31`.`currency`,
      `t31`.`rate`,
      `t31`.`valid_to`,
      IF(`t31`.`first`, MAKE_DATE(1900, 1, 1), `t31`.`rate_on`) AS `valid_from`,
      IF(
        `t31`.`currency` = 'USD',
        1.0,
        `t31`.`rate` * CASE
          WHEN `t31`.`currency` IN (
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
          WHEN `t31`.`currency` IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
          THEN 0.1
          ELSE 1.0
        END
      ) AS `minor`
    FROM (
      SELECT
        `t26`.`currency`,
        `t26`.`rate_on`,
        `t26`.`rate`,
        LEAD(`t26`.`rate_on`) OVER (PARTITION BY `t26`.`currency` ORDER BY `t26`.`rate_on` ASC NULLS LAST) AS `valid_to`,
        (
          ROW_NUMBER() OVER (PARTITION BY `t26`.`currency` ORDER BY `t26`.`rate_on` ASC NULLS LAST) - 1
        ) = 0 AS `first`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t0`.`currency`,
            `t0`.`rate_on`,
            `t0`.`rate`
          FROM `fx_rates` AS `t0`
          WHERE
            `t0`.`quote_currency` = 'USD'
        ) AS `t8`
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            `t12`.`currency`,
            `t12`.`rate_on`,
            `t12`.`rate`
          FROM (
            SELECT
              `t0`.`quote_currency` AS `currency`,
              `t0`.`rate_on`,
              1.0 / `t0`.`rate` AS `rate`
            FROM `fx_rates` AS `t0`
            WHERE
              `t0`.`currency` = 'USD' AND `t0`.`rate` > 0
          ) AS `t12`
          LEFT ANTI JOIN (
            SELECT DISTINCT
              `t0`.`currency`
            FROM `fx_rates` AS `t0`
            WHERE
              `t0`.`quote_currency` = 'USD'
          ) AS `t13`
            ON `t12`.`currency` = `t13`.`currency`
        ) AS `t25`
      ) AS `t26`
    ) AS `t31`
  ) AS `t35`
    ON `t47`.`currency` = `t35`.`currency`
    AND `t47`.`fx_on` >= `t35`.`valid_from`
    AND (
      (
        `t35`.`valid_to` IS NULL
      ) OR (
        `t47`.`fx_on` < `t35`.`valid_to`
      )
    )
)
SELECT
  `t58`.`period`,
  `t58`.`free_customers`,
  `t58`.`converted`,
  `t58`.`median_days_to_convert`,
  IF(
    `t58`.`free_customers` > 0,
    CAST(`t58`.`converted` AS DOUBLE) / CAST(`t58`.`free_customers` AS DOUBLE),
    NULL
  ) AS `conversion_rate`
FROM (
  SELECT
    `t57`.`period`,
    COUNT(*) AS `free_customers`,
    SUM(CAST(`t57`.`converted` AS INT)) AS `converted`,
    PERCENTILE(`t57`.`days`, 0.5) AS `median_days_to_convert`
  FROM (
    SELECT
      `t56`.`customer_id`,
      `t56`.`first_free_on`,
      `t56`.`customer_id_right`,
      `t56`.`first_paid_on`,
      DATE_TRUNC('month', `t56`.`first_free_on`) AS `period`,
      `t56`.`first_paid_on` IS NOT NULL AS `converted`,
      IF(
        `t56`.`first_paid_on` IS NOT NULL,
        CAST(DATEDIFF(DAY, `t56`.`first_free_on`, `t56`.`first_paid_on`) AS DOUBLE),
        NULL
      ) AS `days`
    FROM (
      SELECT
        `t54`.`customer_id`,
        `t54`.`first_free_on`,
        `t55`.`customer_id` AS `customer_id_right`,
        `t55`.`first_paid_on`
      FROM (
        SELECT
          `t50`.`customer_id`,
          MIN(`t50`.`start_on`) AS `first_free_on`
        FROM (
          SELECT
            *
          FROM `t48` AS `t49`
          WHERE
            `t49`.`is_free` AND `t49`.`start_on` <= MAKE_DATE(2026, 11, 1)
        ) AS `t50`
        GROUP BY
          1
      ) AS `t54`
      LEFT OUTER JOIN (
        SELECT
          `t51`.`customer_id`,
          MIN(`t51`.`start_on`) AS `first_paid_on`
        FROM (
          SELECT
            *
          FROM `t48` AS `t49`
          WHERE
            `t49`.`units` > 0 AND `t49`.`start_on` <= MAKE_DATE(2026, 11, 1)
        ) AS `t51`
        GROUP BY
          1
      ) AS `t55`
        ON `t54`.`customer_id` = `t55`.`customer_id`
    ) AS `t56`
    WHERE
      (
        `t56`.`first_paid_on` IS NULL
      )
      OR (
        `t56`.`first_paid_on` > `t56`.`first_free_on`
      )
  ) AS `t57`
  GROUP BY
    1
) AS `t58`
ORDER BY
  `t58`.`period` ASC NULLS LAST;

-- the metric
SELECT
  *
FROM `ibis_memtable_0`
