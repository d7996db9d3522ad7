-- the metric
SELECT
  `t2`.`score`,
  `t2`.`responses`,
  CASE
    WHEN `t2`.`score` >= 9
    THEN 'promoter'
    WHEN `t2`.`score` >= 7
    THEN 'passive'
    ELSE 'detractor'
  END AS `group`
FROM (
  SELECT
    `t1`.`score`,
    COUNT(*) AS `responses`
  FROM (
    SELECT
      `t0`.`feedback_id`,
      `t0`.`customer_id`,
      `t0`.`kind`,
      CAST(`t0`.`score` AS BIGINT) AS `score`,
      `t0`.`comment`,
      `t0`.`survey`,
      `t0`.`cancel_reason`,
      `t0`.`locale`,
      `t0`.`submitted_at`,
      `t0`.`_version_at`
    FROM `feedback` AS `t0`
    WHERE
      `t0`.`kind` = 'nps'
      AND `t0`.`score` IS NOT NULL
      AND CAST(`t0`.`submitted_at` AS DATE) <= MAKE_DATE(2026, 11, 1)
  ) AS `t1`
  GROUP BY
    1
) AS `t2`
ORDER BY
  `t2`.`score` ASC NULLS LAST
