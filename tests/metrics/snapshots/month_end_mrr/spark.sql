-- run while the expression is built (1 of 1)
SELECT
  MIN(`t0`.`period_start_at`) AS `Min(period_start_at)`
FROM `invoice_lines_versions` AS `t0`;

-- the metric
WITH `t8` AS (
  SELECT
    `t5`.`price_id`,
    `t5`.`product_id` AS `price_product`,
    `t5`.`amount_minor` AS `unit`,
    `t5`.`interval` AS `price_interval`,
    `t5`.`interval_count` AS `price_count`,
    `t5`.`type` AS `price_type`,
    `t5`.`is_free` AS `price_free`
  FROM `prices` AS `t5`
), `t51` AS (
  SELECT
    `t50`.`line_id`,
    `t50`.`customer_id`,
    `t50`.`subscription_id`,
    `t50`.`invoice_id`,
    `t50`.`price_id`,
    `t50`.`product_id`,
    `t50`.`currency`,
    `t50`.`start_on`,
    `t50`.`end_on`,
    `t50`.`is_free`,
    `t50`.`paid`,
    CAST(SIGN(`t50`.`monthly_minor` * IF(`t50`.`currency` = 'USD', 1.0, `t39`.`minor`) * 100) * CAST(FLOOR(
      ABS(`t50`.`monthly_minor` * IF(`t50`.`currency` = 'USD', 1.0, `t39`.`minor`) * 100) + 0.5
    ) AS BIGINT) AS BIGINT) AS `units`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t47`.`line_id`,
        `t47`.`invoice_id`,
        `t47`.`subscription_id`,
        `t47`.`subscription_item_id`,
        `t47`.`price_id`,
        `t47`.`kind`,
        `t47`.`amount_minor`,
        UPPER(COALESCE(`t47`.`currency`, `t47`.`inv_currency`)) AS `currency`,
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
        `t47`.`_anchor_at`,
        `t47`.`_anchor_share`,
        CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(
          CAST(FLOOR(
            UNIX_TIMESTAMP(
              IF(
                `t47`.`_proration`,
                COALESCE(`t47`.`_anchor_at`, `t47`.`period_start_at`),
                `t47`.`period_start_at`
              )
            ) / 86400
          ) AS BIGINT),
          ' days'
        ) AS INTERVAL) AS TIMESTAMP) AS DATE) AS `fx_on`,
        CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(CAST(FLOOR(UNIX_TIMESTAMP(`t47`.`period_start_at`) / 86400) AS BIGINT), ' days') AS INTERVAL) AS TIMESTAMP) AS DATE) AS `start_on`,
        CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(CAST(FLOOR(UNIX_TIMESTAMP(`t47`.`_end_at`) / 86400) AS BIGINT), ' days') AS INTERVAL) AS TIMESTAMP) AS DATE) AS `end_on`,
        `t47`.`_monthly_list` * (
          1.0 - IF(`t47`.`_proration`, COALESCE(`t47`.`_anchor_share`, `t47`.`_share`), `t47`.`_share`)
        ) AS `monthly_minor`,
        COALESCE(`t47`.`price_free`, FALSE) OR (
          COALESCE(`t47`.`unit`, -1) = 0
        ) AS `is_free`,
        `t47`.`price_product` AS `product_id`
      FROM (
        SELECT
          `t46`.`line_id`,
          `t46`.`invoice_id`,
          `t46`.`subscription_id`,
          `t46`.`subscription_item_id`,
          `t46`.`price_id`,
          `t46`.`kind`,
          `t46`.`amount_minor`,
          `t46`.`currency`,
          `t46`.`quantity`,
          `t46`.`discount_minor`,
          `t46`.`tax_minor`,
          `t46`.`proration`,
          `t46`.`period_start_at`,
          `t46`.`period_end_at`,
          `t46`.`description`,
          `t46`.`_version_at`,
          `t46`.`customer_id`,
          `t46`.`inv_currency`,
          `t46`.`paid`,
          `t46`.`price_product`,
          `t46`.`unit`,
          `t46`.`price_interval`,
          `t46`.`price_count`,
          `t46`.`price_type`,
          `t46`.`price_free`,
          `t46`.`_proration`,
          `t46`.`_share`,
          `t46`.`stop_at`,
          `t46`.`_monthly_list`,
          `t46`.`_end_at`,
          `t46`.`_anchor_at`,
          `t46`.`_anchor_share`
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
            `t45`.`_monthly_list`,
            `t45`.`_end_at`,
            `t41`.`subscription_id` AS `subscription_id_right`,
            `t41`.`period_end_at` AS `period_end_at_right`,
            `t41`.`_anchor_at`,
            `t41`.`_anchor_share`
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
              IF(
                `t43`.`_proration`,
                SIGN(CAST(COALESCE(`t43`.`amount_minor`, 0) AS DOUBLE)) * COALESCE(
                  CAST(`t43`.`unit` * COALESCE(`t43`.`quantity`, 1) AS DOUBLE),
                  (
                    ABS(CAST(COALESCE(`t43`.`amount_minor`, 0) AS DOUBLE)) * (
                      COALESCE(
                        CASE
                          WHEN `t43`.`price_interval` = 'day'
                          THEN 0.03287671232876712
                          WHEN `t43`.`price_interval` = 'week'
                          THEN 0.23076923076923078
                          WHEN `t43`.`price_interval` = 'month'
                          THEN 1.0
                          WHEN `t43`.`price_interval` = 'year'
                          THEN 12.0
                          ELSE NULL
                        END * CAST(COALESCE(`t43`.`price_count`, 1) AS DOUBLE),
                        (
                          (
                            UNIX_TIMESTAMP(`t43`.`period_end_at`) - UNIX_TIMESTAMP(`t43`.`period_start_at`)
                          ) / 86400
                        ) / 30.4375
                      ) * 30.4375
                    )
                  ) / GREATEST(
                    (
                      UNIX_TIMESTAMP(`t43`.`period_end_at`) - UNIX_TIMESTAMP(`t43`.`period_start_at`)
                    ) / 86400,
                    0.041666666666666664
                  )
                ),
                CAST(COALESCE(`t43`.`amount_minor`, 0) AS DOUBLE)
              ) / COALESCE(
                CASE
                  WHEN `t43`.`price_interval` = 'day'
                  THEN 0.03287671232876712
                  WHEN `t43`.`price_interval` = 'week'
                  THEN 0.23076923076923078
                  WHEN `t43`.`price_interval` = 'month'
                  THEN 1.0
                  WHEN `t43`.`price_interval` = 'year'
                  THEN 12.0
                  ELSE NULL
                END * CAST(COALESCE(`t43`.`price_count`, 1) AS DOUBLE),
                (
                  (
                    UNIX_TIMESTAMP(`t43`.`period_end_at`) - UNIX_TIMESTAMP(`t43`.`period_start_at`)
                  ) / 86400
                ) / 30.4375
              ) AS `_monthly_list`,
              LEAST(`t43`.`period_end_at`, COALESCE(`t43`.`stop_at`, `t43`.`period_end_at`)) AS `_end_at`
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
                `t42`.`stop_at`
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
                  `t38`.`_proration`,
                  `t38`.`_share`,
                  `t29`.`subscription_id` AS `subscription_id_right`,
                  `t29`.`stop_at`
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
                    COALESCE(`t33`.`proration`, FALSE) AS `_proration`,
                    GREATEST(
                      LEAST(
                        IF(
                          CAST(COALESCE(`t33`.`amount_minor`, 0) AS DOUBLE) = 0,
                          0.0,
                          CAST(COALESCE(`t33`.`discount_minor`, 0) AS DOUBLE) / ABS(CAST(COALESCE(`t33`.`amount_minor`, 0) AS DOUBLE))
                        ),
                        1.0
                      ),
                      0.0
                    ) AS `_share`
                  FROM (
                    SELECT
                      `t31`.`line_id`,
                      `t31`.`invoice_id`,
                      `t31`.`subscription_id`,
                      `t31`.`subscription_item_id`,
                      `t31`.`price_id`,
                      `t31`.`kind`,
                      `t31`.`amount_minor`,
                      `t31`.`currency`,
                      `t31`.`quantity`,
                      `t31`.`discount_minor`,
                      `t31`.`tax_minor`,
                      `t31`.`proration`,
                      `t31`.`period_start_at`,
                      `t31`.`period_end_at`,
                      `t31`.`description`,
                      `t31`.`_version_at`,
                      `t31`.`customer_id`,
                      `t31`.`inv_currency`,
                      `t31`.`paid`,
                      `t31`.`price_product`,
                      `t31`.`unit`,
                      `t31`.`price_interval`,
                      `t31`.`price_count`,
                      `t31`.`price_type`,
                      `t31`.`price_free`
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
                        `t25`.`customer_id`,
                        `t25`.`inv_currency`,
                        `t25`.`paid`,
                        `t19`.`price_id` AS `price_id_right`,
                        `t19`.`price_product`,
                        `t19`.`unit`,
                        `t19`.`price_interval`,
                        `t19`.`price_count`,
                        `t19`.`price_type`,
                        `t19`.`price_free`
                      FROM `invoice_lines` AS `t7`
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
                      ) AS `t25`
                        ON `t7`.`invoice_id` = `t25`.`invoice_id`
                      LEFT OUTER JOIN `t8` AS `t19`
                        ON `t7`.`price_id` = `t19`.`price_id`
                    ) AS `t31`
                  ) AS `t33`
                  WHERE
                    `t33`.`subscription_id` IS NOT NULL
                    AND (
                      (
                        `t33`.`price_interval` IS NOT NULL
                      )
                      OR (
                        (
                          `t33`.`price_type` IS NULL
                        ) AND (
                          `t33`.`kind` = 'subscription'
                        )
                      )
                    )
                    AND `t33`.`period_start_at` IS NOT NULL
                    AND `t33`.`period_end_at` IS NOT NULL
                ) AS `t38`
                LEFT OUTER JOIN (
                  SELECT
                    *
                  FROM (
                    SELECT
                      `t2`.`subscription_id`,
                      COALESCE(`t2`.`ended_at`, IF(`t2`.`status` = 'canceled', `t2`.`canceled_at`, NULL)) AS `stop_at`
                    FROM `subscriptions` AS `t2`
                  ) AS `t20`
                  WHERE
                    `t20`.`stop_at` IS NOT NULL
                ) AS `t29`
                  ON `t38`.`subscription_id` = `t29`.`subscription_id`
              ) AS `t42`
            ) AS `t43`
          ) AS `t45`
          LEFT OUTER JOIN (
            SELECT
              `t35`.`subscription_id`,
              `t35`.`period_end_at`,
              MIN(`t35`.`period_start_at`) AS `_anchor_at`,
              AVG(`t35`.`_share`) AS `_anchor_share`
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
                `t32`.`price_product`,
                `t32`.`unit`,
                `t32`.`price_interval`,
                `t32`.`price_count`,
                `t32`.`price_type`,
                `t32`.`price_free`,
                COALESCE(`t32`.`proration`, FALSE) AS `_proration`,
                GREATEST(
                  LEAST(
                    IF(
                      CAST(COALESCE(`t32`.`amount_minor`, 0) AS DOUBLE) = 0,
                      0.0,
                      CAST(COALESCE(`t32`.`discount_minor`, 0) AS DOUBLE) / ABS(CAST(COALESCE(`t32`.`amount_minor`, 0) AS DOUBLE))
                    ),
                    1.0
                  ),
                  0.0
                ) AS `_share`
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
                  `t30`.`price_product`,
                  `t30`.`unit`,
                  `t30`.`price_interval`,
                  `t30`.`price_count`,
                  `t30`.`price_type`,
                  `t30`.`price_free`
                FROM (
                  SELECT
                    `t21`.`line_id`,
                    `t21`.`invoice_id`,
                    `t21`.`subscription_id`,
                    `t21`.`subscription_item_id`,
                    `t21`.`price_id`,
                    `t21`.`kind`,
                    `t21`.`amount_minor`,
                    `t21`.`currency`,
                    `t21`.`quantity`,
                    `t21`.`discount_minor`,
                    `t21`.`tax_minor`,
                    `t21`.`proration`,
                    `t21`.`period_start_at`,
                    `t21`.`period_end_at`,
                    `t21`.`description`,
                    `t21`.`_version_at`,
                    `t18`.`price_id` AS `price_id_right`,
                    `t18`.`price_product`,
                    `t18`.`unit`,
                    `t18`.`price_interval`,
                    `t18`.`price_count`,
                    `t18`.`price_type`,
                    `t18`.`price_free`
                  FROM (
                    SELECT
                      *
                    FROM `invoice_lines` AS `t3`
                    WHERE
                      NOT (
                        COALESCE(`t3`.`proration`, FALSE)
                      )
                  ) AS `t21`
                  LEFT SEMI JOIN (
                    SELECT DISTINCT
                      `t3`.`subscription_id`,
                      `t3`.`period_end_at`
                    FROM `invoice_lines` AS `t3`
                    WHERE
                      COALESCE(`t3`.`proration`, FALSE)
                  ) AS `t17`
                    ON `t21`.`subscription_id` = `t17`.`subscription_id`
                    AND `t21`.`period_end_at` = `t17`.`period_end_at`
                  LEFT SEMI JOIN (
                    SELECT
                      `t4`.`invoice_id`
                    FROM `invoices` AS `t4`
                    WHERE
                      (
                        `t4`.`status` IS NULL
                      ) OR NOT (
                        `t4`.`status` IN ('void', 'draft')
                      )
                  ) AS `t24`
                    ON `t21`.`invoice_id` = `t24`.`invoice_id`
                  LEFT OUTER JOIN `t8` AS `t18`
                    ON `t21`.`price_id` = `t18`.`price_id`
                ) AS `t30`
              ) AS `t32`
              WHERE
                `t32`.`subscription_id` IS NOT NULL
                AND (
                  (
                    `t32`.`price_interval` IS NOT NULL
                  )
                  OR (
                    (
                      `t32`.`price_type` IS NULL
                    ) AND (
                      `t32`.`kind` = 'subscription'
                    )
                  )
                )
                AND `t32`.`period_start_at` IS NOT NULL
                AND `t32`.`period_end_at` IS NOT NULL
            ) AS `t35`
            GROUP BY
              1,
              2
          ) AS `t41`
            ON `t45`.`subscription_id` = `t41`.`subscription_id`
            AND `t45`.`period_end_at` = `t41`.`period_end_at`
        ) AS `t46`
      ) AS `t47`
    ) AS `t48`
    WHERE
      `t48`.`start_on` < `t48`.`end_on`
  ) AS `t50`
  LEFT OUTER JOIN (
    SELECT
      `t34`.`currency`,
      `t34`.`rate`,
      COALESCE(`t34`.`valid_to`, MAKE_DATE(9999, 12, 31)) AS `valid_to`,
      IF(`t34`.`first`, MAKE_DATE(1900, 1, 1), `t34`.`rate_on`) AS `valid_from`,
      IF(
        `t34`.`currency` = 'USD',
        1.0,
        `t34`.`rate` * CASE
          WHEN `t34`.`currency` IN (
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
          WHEN `t34`.`currency` IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND')
          THEN 0.1
          ELSE 1.0
        END
      ) AS `minor`
    FROM (
      SELECT
        `t28`.`currency`,
        `t28`.`rate_on`,
        `t28`.`rate`,
        LEAD(`t28`.`rate_on`) OVER (PARTITION BY `t28`.`currency` ORDER BY `t28`.`rate_on` ASC NULLS LAST) AS `valid_to`,
        (
          ROW_NUMBER() OVER (PARTITION BY `t28`.`currency` ORDER BY `t28`.`rate_on` ASC NULLS LAST) - 1
        ) = 0 AS `first`
      FROM (
        SELECT
          *
        FROM (
          SELECT
            `t1`.`currency`,
            `t1`.`rate_on`,
            `t1`.`rate`
          FROM `fx_rates` AS `t1`
          WHERE
            `t1`.`quote_currency` = 'USD'
        ) AS `t10`
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            `t14`.`currency`,
            `t14`.`rate_on`,
            `t14`.`rate`
          FROM (
            SELECT
              `t1`.`quote_currency` AS `currency`,
              `t1`.`rate_on`,
              1.0 / `t1`.`rate` AS `rate`
            FROM `fx_rates` AS `t1`
            WHERE
              `t1`.`currency` = 'USD' AND `t1`.`rate` > 0
          ) AS `t14`
          LEFT ANTI JOIN (
            SELECT DISTINCT
              `t1`.`currency`
            FROM `fx_rates` AS `t1`
            WHERE
              `t1`.`quote_currency` = 'USD'
          ) AS `t15`
            ON `t14`.`currency` = `t15`.`currency`
        ) AS `t26`
      ) AS `t28`
    ) AS `t34`
  ) AS `t39`
    ON `t50`.`currency` = `t39`.`currency`
    AND `t50`.`fx_on` >= `t39`.`valid_from`
    AND `t50`.`fx_on` < `t39`.`valid_to`
)
SELECT
  `t63`.`customer_id`,
  `t63`.`group`,
  `t63`.`first_on`,
  `t6`.`period` AS `month`,
  `t63`.`after` AS `mrr`
FROM (
  SELECT
    `t61`.`customer_id`,
    'all' AS `group`,
    `t61`.`day`,
    `t61`.`after`,
    `t61`.`first_on`,
    `t61`.`until`
  FROM (
    SELECT
      `t60`.`customer_id`,
      `t60`.`day`,
      `t60`.`delta`,
      `t60`.`after`,
      `t60`.`until`,
      `t60`.`before`,
      `t60`.`total_before`,
      `t60`.`total_after`,
      MIN(
        IF((
          `t60`.`total_before` <= 0
        ) AND (
          `t60`.`total_after` > 0
        ), `t60`.`day`, NULL)
      ) OVER (
        PARTITION BY `t60`.`customer_id`
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
      ) AS `first_on`
    FROM (
      SELECT
        `t59`.`customer_id`,
        `t59`.`day`,
        `t59`.`delta`,
        `t59`.`after`,
        `t59`.`until`,
        `t59`.`after` - `t59`.`delta` AS `before`,
        `t59`.`after` - `t59`.`delta` AS `total_before`,
        `t59`.`after` AS `total_after`
      FROM (
        SELECT
          `t58`.`customer_id`,
          `t58`.`day`,
          `t58`.`delta`,
          SUM(`t58`.`delta`) OVER (
            PARTITION BY `t58`.`customer_id`
            ORDER BY `t58`.`day` ASC NULLS LAST
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
          ) AS `after`,
          LEAD(`t58`.`day`) OVER (PARTITION BY `t58`.`customer_id` ORDER BY `t58`.`day` ASC NULLS LAST) AS `until`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              `t56`.`customer_id`,
              `t56`.`day`,
              SUM(`t56`.`delta`) AS `delta`
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  *
                FROM (
                  SELECT
                    `t52`.`customer_id`,
                    `t52`.`start_on` AS `day`,
                    `t52`.`units` AS `delta`
                  FROM `t51` AS `t52`
                  WHERE
                    `t52`.`units` <> 0
                ) AS `t53`
                UNION ALL
                SELECT
                  *
                FROM (
                  SELECT
                    `t52`.`customer_id`,
                    `t52`.`end_on` AS `day`,
                    -(
                      `t52`.`units`
                    ) AS `delta`
                  FROM `t51` AS `t52`
                  WHERE
                    `t52`.`units` <> 0
                ) AS `t54`
              ) AS `t55`
              WHERE
                `t55`.`day` <= MAKE_DATE(2026, 11, 1)
            ) AS `t56`
            GROUP BY
              1,
              2
          ) AS `t57`
          WHERE
            `t57`.`delta` <> 0
        ) AS `t58`
      ) AS `t59`
    ) AS `t60`
  ) AS `t61`
  WHERE
    `t61`.`after` > 0
) AS `t63`
INNER JOIN `ibis_memtable_0` AS `t6`
  ON `t63`.`day` <= `t6`.`period_end`
  AND (
    (
      `t63`.`until` IS NULL
    ) OR (
      `t6`.`period_end` < `t63`.`until`
    )
  )
