"""Point-in-time customer features and churn labels: only data before ``as_of``."""
