-- the metric
SELECT
  *
FROM (
  SELECT
    `t10`.`bucket`,
    `t10`.`label`,
    COUNT(*) AS `customers`
  FROM (
    SELECT
      `t9`.`customer_id`,
      `t9`.`created_at`,
      `t9`.`first_key_at`,
      CASE
        WHEN GREATEST(
          CAST(FLOOR(
            CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
          ) AS BIGINT),
          0
        ) < 1
        THEN 0
        WHEN GREATEST(
          CAST(FLOOR(
            CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
          ) AS BIGINT),
          0
        ) < 2
        THEN 1
        WHEN GREATEST(
          CAST(FLOOR(
            CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
          ) AS BIGINT),
          0
        ) < 3
        THEN 2
        WHEN GREATEST(
          CAST(FLOOR(
            CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
          ) AS BIGINT),
          0
        ) < 4
        THEN 3
        WHEN GREATEST(
          CAST(FLOOR(
            CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
          ) AS BIGINT),
          0
        ) < 8
        THEN 4
        WHEN GREATEST(
          CAST(FLOOR(
            CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
          ) AS BIGINT),
          0
        ) < 15
        THEN 8
        WHEN GREATEST(
          CAST(FLOOR(
            CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
          ) AS BIGINT),
          0
        ) < 31
        THEN 15
        WHEN GREATEST(
          CAST(FLOOR(
            CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
          ) AS BIGINT),
          0
        ) < 91
        THEN 31
        ELSE 91
      END AS `bucket`,
      CASE
        WHEN CASE
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 1
          THEN 0
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 2
          THEN 1
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 3
          THEN 2
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 4
          THEN 3
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 8
          THEN 4
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 15
          THEN 8
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 31
          THEN 15
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 91
          THEN 31
          ELSE 91
        END = 0
        THEN 'same day'
        WHEN CASE
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 1
          THEN 0
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 2
          THEN 1
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 3
          THEN 2
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 4
          THEN 3
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 8
          THEN 4
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 15
          THEN 8
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 31
          THEN 15
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 91
          THEN 31
          ELSE 91
        END = 1
        THEN '1 day'
        WHEN CASE
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 1
          THEN 0
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 2
          THEN 1
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 3
          THEN 2
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 4
          THEN 3
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 8
          THEN 4
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 15
          THEN 8
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 31
          THEN 15
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 91
          THEN 31
          ELSE 91
        END = 2
        THEN '2 days'
        WHEN CASE
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 1
          THEN 0
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 2
          THEN 1
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 3
          THEN 2
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 4
          THEN 3
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 8
          THEN 4
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 15
          THEN 8
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 31
          THEN 15
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 91
          THEN 31
          ELSE 91
        END = 3
        THEN '3 days'
        WHEN CASE
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 1
          THEN 0
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 2
          THEN 1
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 3
          THEN 2
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 4
          THEN 3
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 8
          THEN 4
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 15
          THEN 8
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 31
          THEN 15
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 91
          THEN 31
          ELSE 91
        END = 4
        THEN '4-7 days'
        WHEN CASE
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 1
          THEN 0
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 2
          THEN 1
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 3
          THEN 2
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 4
          THEN 3
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 8
          THEN 4
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 15
          THEN 8
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 31
          THEN 15
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 91
          THEN 31
          ELSE 91
        END = 8
        THEN '8-14 days'
        WHEN CASE
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 1
          THEN 0
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 2
          THEN 1
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 3
          THEN 2
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 4
          THEN 3
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 8
          THEN 4
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 15
          THEN 8
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 31
          THEN 15
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 91
          THEN 31
          ELSE 91
        END = 15
        THEN '15-30 days'
        WHEN CASE
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 1
          THEN 0
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 2
          THEN 1
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 3
          THEN 2
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 4
          THEN 3
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 8
          THEN 4
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 15
          THEN 8
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 31
          THEN 15
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 91
          THEN 31
          ELSE 91
        END = 31
        THEN '31-90 days'
        WHEN CASE
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 1
          THEN 0
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 2
          THEN 1
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 3
          THEN 2
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 4
          THEN 3
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 8
          THEN 4
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 15
          THEN 8
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 31
          THEN 15
          WHEN GREATEST(
            CAST(FLOOR(
              CAST(UNIX_TIMESTAMP(CAST(`t9`.`first_key_at` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t9`.`created_at` AS TIMESTAMP)) AS DOUBLE) / 86400
            ) AS BIGINT),
            0
          ) < 91
          THEN 31
          ELSE 91
        END = 91
        THEN 'over 90 days'
        ELSE NULL
      END AS `label`
    FROM (
      SELECT
        `t5`.`customer_id`,
        `t5`.`created_at`,
        `t8`.`first_key_at`
      FROM (
        SELECT
          `t3`.`customer_id`,
          `t3`.`created_at`
        FROM (
          SELECT
            *
          FROM `customers` AS `t0`
          WHERE
            CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(CAST(FLOOR(UNIX_TIMESTAMP(`t0`.`created_at`) / 86400) AS BIGINT), ' days') AS INTERVAL) AS TIMESTAMP) AS DATE) <= MAKE_DATE(2026, 11, 1)
        ) AS `t3`
      ) AS `t5`
      INNER JOIN (
        SELECT
          `t6`.`customer_id`,
          MIN(`t6`.`occurred_at`) AS `first_key_at`
        FROM (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM `events` AS `t1`
            WHERE
              `t1`.`type` = 'track'
              AND `t1`.`event` = 'Report Created'
              AND `t1`.`customer_id` IS NOT NULL
          ) AS `t2`
          WHERE
            CAST(CAST(MAKE_DATE(1970, 1, 1) + CAST(CONCAT(CAST(FLOOR(UNIX_TIMESTAMP(`t2`.`occurred_at`) / 86400) AS BIGINT), ' days') AS INTERVAL) AS TIMESTAMP) AS DATE) <= MAKE_DATE(2026, 11, 1)
        ) AS `t6`
        GROUP BY
          1
      ) AS `t8`
        ON `t5`.`customer_id` = `t8`.`customer_id`
    ) AS `t9`
  ) AS `t10`
  GROUP BY
    1,
    2
) AS `t11`
ORDER BY
  `t11`.`bucket` ASC NULLS LAST
