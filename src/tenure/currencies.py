"""ISO 4217 currency codes and their minor units.

Money in Tenure is an integer ``amount_minor`` plus a ``currency``; the exponent
says how many minor units make a major one (2 for USD, 0 for JPY, 3 for KWD).
"""

from __future__ import annotations

__all__ = ["CURRENCIES", "is_currency", "minor_unit_exponent"]

_ZERO_DECIMAL = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE_DECIMAL = "BHD IQD JOD KWD LYD OMR TND"
_TWO_DECIMAL = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHE CHF CHW CLF COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR "
    "FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW "
    "KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN "
    "NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD "
    "SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU "
    "UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL"
)

CURRENCIES: dict[str, int] = {
    **dict.fromkeys(_TWO_DECIMAL.split(), 2),
    **dict.fromkeys(_ZERO_DECIMAL.split(), 0),
    **dict.fromkeys(_THREE_DECIMAL.split(), 3),
}
"""Every ISO 4217 code Tenure accepts, mapped to its minor-unit exponent."""


def is_currency(code: str) -> bool:
    """Return whether ``code`` (any case) is an ISO 4217 currency code.

    Examples
    --------
    >>> is_currency("usd"), is_currency("XYZ")
    (True, False)
    """
    return code.upper() in CURRENCIES


def minor_unit_exponent(code: str) -> int:
    """Return how many decimal places the currency's minor unit has.

    Examples
    --------
    >>> minor_unit_exponent("JPY"), minor_unit_exponent("EUR")
    (0, 2)
    """
    return CURRENCIES[code.upper()]
