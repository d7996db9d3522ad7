-- run while the expression is built (1 of 1)
SELECT
  MIN(`t1`.`day`) AS `Min(day)`
FROM (
  SELECT
    `t0`.`message_id`,
    `t0`.`type`,
    `t0`.`event`,
    `t0`.`name`,
    `t0`.`user_id`,
    `t0`.`anonymous_id`,
    `t0`.`customer_id`,
    `t0`.`properties`,
    `t0`.`traits`,
    `t0`.`device_type`,
    `t0`.`os_name`,
    `t0`.`locale`,
    `t0`.`timezone`,
    `t0`.`country`,
    `t0`.`page_path`,
    `t0`.`occurred_at`,
    `t0`.`_version_at`,
    `t0`.`_hash`,
    `t0`.`_source`,
    `t0`.`_line`,
    `t0`.`_ingest_id`,
    `t0`.`_event_id`,
    COALESCE(`t0`.`user_id`, `t0`.`anonymous_id`) AS `user`,
    CAST(`t0`.`occurred_at` AS DATE) AS `day`
  FROM `events` AS `t0`
  WHERE
    `t0`.`type` IN ('track', 'page', 'screen')
    AND COALESCE(`t0`.`user_id`, `t0`.`anonymous_id`) IS NOT NULL
    AND CAST(`t0`.`occurred_at` AS DATE) <= MAKE_DATE(2026, 11, 1)
) AS `t1`;

-- the metric
WITH `t3` AS (
  SELECT
    `t0`.`message_id`,
    `t0`.`type`,
    `t0`.`event`,
    `t0`.`name`,
    `t0`.`user_id`,
    `t0`.`anonymous_id`,
    `t0`.`customer_id`,
    `t0`.`properties`,
    `t0`.`traits`,
    `t0`.`device_type`,
    `t0`.`os_name`,
    `t0`.`locale`,
    `t0`.`timezone`,
    `t0`.`country`,
    `t0`.`page_path`,
    `t0`.`occurred_at`,
    `t0`.`_version_at`,
    `t0`.`_hash`,
    `t0`.`_source`,
    `t0`.`_line`,
    `t0`.`_ingest_id`,
    `t0`.`_event_id`,
    COALESCE(`t0`.`user_id`, `t0`.`anonymous_id`) AS `user`,
    CAST(`t0`.`occurred_at` AS DATE) AS `day`,
    DATE_TRUNC('month', CAST(`t0`.`occurred_at` AS DATE)) AS `period`,
    DATE_TRUNC('week', CAST(`t0`.`occurred_at` AS DATE)) AS `week`
  FROM `events` AS `t0`
  WHERE
    `t0`.`type` IN ('track', 'page', 'screen')
    AND COALESCE(`t0`.`user_id`, `t0`.`anonymous_id`) IS NOT NULL
    AND CAST(`t0`.`occurred_at` AS DATE) <= MAKE_DATE(2026, 11, 1)
)
SELECT
  `t21`.`label` AS `period`,
  COALESCE(`t21`.`active_users`, 0) AS `active_users`,
  COALESCE(`t21`.`active_accounts`, 0) AS `active_accounts`,
  CAST(COALESCE(`t21`.`user_days`, 0) AS DOUBLE) / `t21`.`n_days` AS `dau`,
  IF(
    `t21`.`n_weeks` > 0,
    CAST(COALESCE(`t21`.`user_weeks`, 0) AS DOUBLE) / `t21`.`n_weeks`,
    NULL
  ) AS `wau`,
  IF(
    COALESCE(`t21`.`active_users`, 0) > 0,
    (
      CAST(COALESCE(`t21`.`user_days`, 0) AS DOUBLE) / `t21`.`n_days`
    ) / CAST(COALESCE(`t21`.`active_users`, 0) AS DOUBLE),
    NULL
  ) AS `stickiness`
FROM (
  SELECT
    `t20`.`period`,
    `t20`.`label`,
    `t20`.`n_days`,
    `t20`.`n_weeks`,
    `t20`.`active_users`,
    `t20`.`active_accounts`,
    `t20`.`user_days`,
    `t20`.`user_weeks`
  FROM (
    SELECT
      `t19`.`period`,
      `t19`.`label`,
      `t19`.`n_days`,
      `t19`.`n_weeks`,
      `t19`.`active_users`,
      `t19`.`active_accounts`,
      `t19`.`user_days`,
      `t12`.`period` AS `period_right`,
      `t12`.`user_weeks`
    FROM (
      SELECT
        `t17`.`period`,
        `t17`.`label`,
        `t17`.`n_days`,
        `t17`.`n_weeks`,
        `t17`.`active_users`,
        `t17`.`active_accounts`,
        `t17`.`user_days`
      FROM (
        SELECT
          `t16`.`period`,
          `t16`.`label`,
          `t16`.`n_days`,
          `t16`.`n_weeks`,
          `t16`.`active_users`,
          `t16`.`active_accounts`,
          `t13`.`period` AS `period_right`,
          `t13`.`user_days`
        FROM (
          SELECT
            `t14`.`period`,
            `t14`.`label`,
            `t14`.`n_days`,
            `t14`.`n_weeks`,
            `t14`.`active_users`,
            `t14`.`active_accounts`
          FROM (
            SELECT
              `t2`.`period`,
              `t2`.`label`,
              `t2`.`n_days`,
              `t2`.`n_weeks`,
              `t9`.`period` AS `period_right`,
              `t9`.`active_users`,
              `t9`.`active_accounts`
            FROM `ibis_memtable_0` AS `t2`
            LEFT OUTER JOIN (
              SELECT
                `t5`.`period`,
                COUNT(DISTINCT `t5`.`user`) AS `active_users`,
                COUNT(DISTINCT `t5`.`customer_id`) AS `active_accounts`
              FROM `t3` AS `t5`
              GROUP BY
                1
            ) AS `t9`
              ON `t2`.`period` = `t9`.`period`
          ) AS `t14`
        ) AS `t16`
        LEFT OUTER JOIN (
          SELECT
            `t7`.`period`,
            SUM(`t7`.`n`) AS `user_days`
          FROM (
            SELECT
              `t5`.`period`,
              `t5`.`day`,
              COUNT(DISTINCT `t5`.`user`) AS `n`
            FROM `t3` AS `t5`
            GROUP BY
              1,
              2
          ) AS `t7`
          GROUP BY
            1
        ) AS `t13`
          ON `t16`.`period` = `t13`.`period`
      ) AS `t17`
    ) AS `t19`
    LEFT OUTER JOIN (
      SELECT
        `t6`.`period`,
        SUM(`t6`.`n`) AS `user_weeks`
      FROM (
        SELECT
          `t4`.`period`,
          `t4`.`week`,
          COUNT(DISTINCT `t4`.`user`) AS `n`
        FROM (
          SELECT
            `t0`.`message_id`,
            `t0`.`type`,
            `t0`.`event`,
            `t0`.`name`,
            `t0`.`user_id`,
            `t0`.`anonymous_id`,
            `t0`.`customer_id`,
            `t0`.`properties`,
            `t0`.`traits`,
            `t0`.`device_type`,
            `t0`.`os_name`,
            `t0`.`locale`,
            `t0`.`timezone`,
            `t0`.`country`,
            `t0`.`page_path`,
            `t0`.`occurred_at`,
            `t0`.`_version_at`,
            `t0`.`_hash`,
            `t0`.`_source`,
            `t0`.`_line`,
            `t0`.`_ingest_id`,
            `t0`.`_event_id`,
            COALESCE(`t0`.`user_id`, `t0`.`anonymous_id`) AS `user`,
            CAST(`t0`.`occurred_at` AS DATE) AS `day`,
            DATE_TRUNC('month', DATE_TRUNC('week', CAST(`t0`.`occurred_at` AS DATE))) AS `period`,
            DATE_TRUNC('week', CAST(`t0`.`occurred_at` AS DATE)) AS `week`
          FROM `events` AS `t0`
          WHERE
            `t0`.`type` IN ('track', 'page', 'screen')
            AND COALESCE(`t0`.`user_id`, `t0`.`anonymous_id`) IS NOT NULL
            AND CAST(`t0`.`occurred_at` AS DATE) <= MAKE_DATE(2026, 11, 1)
        ) AS `t4`
        GROUP BY
          1,
          2
      ) AS `t6`
      GROUP BY
        1
    ) AS `t12`
      ON `t19`.`period` = `t12`.`period`
  ) AS `t20`
) AS `t21`
ORDER BY
  `t21`.`label` ASC NULLS LAST
