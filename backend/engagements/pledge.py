"""The confidentiality pledge (情報漏洩防止の誓約) an expert signs for each engagement, and its version.

A 特別職非常勤 adviser is outside the statutory duty of confidentiality of regular staff, and a 業務委託 needs
it by contract, so every engagement carries the expert's own pledge to the appointing municipality. The
text is versioned: a signature records the version it was given for.
"""

PLEDGE_VERSION = "2026.1"


def pledge_text(*, municipality: str) -> list[str]:
    """The pledge, addressed to the appointing municipality, one paragraph per item."""
    return [
        f"私は、{municipality}の業務に従事するにあたり、次の事項を誓約します。",
        "1. 業務上知り得た情報（個人情報、調達・契約に関する情報、情報システムの構成・脆弱性に関する情報を含む）を、"
        "在任中も退任後も、第三者に漏らし、又は業務以外の目的に利用しません。",
        "2. 所属する事業者その他の第三者の利益のために、業務上知り得た情報を利用しません。",
        "3. 貸与された資料・情報機器を適切に管理し、業務終了時には返却又は消去します。",
        "4. 情報の漏えい又はそのおそれを知ったときは、直ちに報告します。",
    ]
