"""The documents clerks file, as A4 PDF in Japanese (issue 24): the 委嘱状 or 任用通知 draft, the confidentiality
pledge as signed, the essentials of a 業務委託契約書, the bid-restriction notice, the monthly and yearly activity
reports and the council pack (議会答弁資料).

Made with ReportLab and its built-in Japanese CID fonts (HeiseiMin-W3, HeiseiKakuGo-W5): the fonts are named in the
PDF, not embedded, so nothing is downloaded or shipped and every PDF reader on a Japanese system shows them;
pypdf reads the text back in the tests. `pdf.py` holds the page and the styles every document shares.
"""
