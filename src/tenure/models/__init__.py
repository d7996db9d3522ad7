"""Estimators with the scikit-learn contract: churn risk, reasons, survival and lifetime value."""
