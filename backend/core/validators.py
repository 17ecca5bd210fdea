"""Check digits of the codes public-sector data is keyed on."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from backend.core.errors import ErrorCode, interpolate


def municipality_check_digit(first5: str) -> str:
    """全国地方公共団体コード: (11 − Σ(d_i·w_i) mod 11) mod 10 with weights 6,5,4,3,2."""
    total = sum(int(d) * w for d, w in zip(first5, (6, 5, 4, 3, 2), strict=True))
    return str((11 - total % 11) % 10)


def is_valid_municipality_code(code: str) -> bool:
    # isascii: "²" and other Unicode digits pass isdigit() but are no 団体コード (int() would raise)
    return len(code) == 6 and code.isascii() and code.isdigit() and code[5] == municipality_check_digit(code[:5])


def validate_municipality_code(value: str) -> None:
    if not is_valid_municipality_code(str(value)):
        raise ValidationError(
            interpolate(_("団体コードは検査数字を含む6桁の数字で指定してください (%(value)s)。"), value=value),
            code=ErrorCode.INVALID_MUNICIPALITY_CODE,
        )


def corporate_number_check_digit(body12: str) -> str:
    """法人番号: check digit = 9 − (Σ P_n·Q_n mod 9), Q_n = 1 for odd n, 2 for even n (n from the right)."""
    digits = [int(d) for d in reversed(body12)]
    total = sum(d * (1 if i % 2 == 0 else 2) for i, d in enumerate(digits))
    return str(9 - total % 9)


def validate_corporate_number(value: str) -> None:
    value = str(value)
    if not (len(value) == 13 and value.isascii() and value.isdigit() and value[0] == corporate_number_check_digit(value[1:])):
        raise ValidationError(
            interpolate(_("法人番号は検査数字を含む13桁の数字で指定してください (%(value)s)。"), value=value),
            code=ErrorCode.INVALID_CORPORATE_NUMBER,
        )
