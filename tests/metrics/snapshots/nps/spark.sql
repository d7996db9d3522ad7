-- run while the expression is built (1 of 1)
SELECT
  `t2`.`period`,
  `t2`.`responses`,
  `t2`.`promoters`,
  `t2`.`passives`,
  `t2`.`detractors`,
  IF(
    `t2`.`responses` > 0,
    (
      CAST(`t2`.`promoters` - `t2`.`detractors` AS DOUBLE) * 100
    ) / `t2`.`responses`,
    NULL
  ) AS `nps`
FROM (
  SELECT
    `t1`.`period`,
    COUNT(*) AS `responses`,
    SUM(CAST(`t1`.`score` >= 9 AS INT)) AS `promoters`,
    SUM(CAST((
      `t1`.`score` >= 7
    ) AND (
      `t1`.`score` <= 8
    ) AS INT)) AS `passives`,
    SUM(CAST(`t1`.`score` <= 6 AS INT)) AS `detractors`
  FROM (
    SELECT
      `t0`.`feedback_id`,
      `t0`.`customer_id`,
      `t0`.`kind`,
      `t0`.`score`,
      `t0`.`comment`,
      `t0`.`survey`,
      `t0`.`cancel_reason`,
      `t0`.`locale`,
      `t0`.`submitted_at`,
      `t0`.`_version_at`,
      DATE_TRUNC('month', CAST(`t0`.`submitted_at` AS DATE)) AS `period`
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
  `t2`.`period` ASC NULLS LAST;

-- the metric
SELECT
  *
FROM `ibis_memtable_0`
