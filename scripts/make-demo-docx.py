#!/usr/bin/env python3
"""make-demo-docx.py - build demo/de-an-15-DA-TU-tom-tat.docx.

The demo's seed article (Đề án 15-ĐA/TU of the Hanoi Party Committee, see
demo/articles.txt) says "Xin mời xem Đề án tại file đính kèm", but the full
text of the Đề án is not public.  This script writes a small, valid Office
Open XML document that SUMS UP the two goals and five groups of tasks quoted
in the seed article, and says plainly that it is a summary prepared for the
demo, not the official text.

Standard library only (zipfile).  Output is deterministic: fixed entry
order, fixed timestamps and attributes, so rebuilding gives the same bytes
(for a given zlib).  Usage: scripts/make-demo-docx.py [OUT]  (default path
demo/de-an-15-DA-TU-tom-tat.docx relative to the repository root).
"""
import os
import sys
import zipfile
from xml.sax.saxutils import escape

FIXED_TIME = (2022, 5, 12, 0, 0, 0)

TITLE = "Đề án số 15-ĐA/TU của Thành ủy Hà Nội (tóm tắt)"

NOTE = ("Bản tóm tắt này được soạn để minh họa cho trang thông tin điện tử "
        "(nội dung trình diễn), tổng hợp từ bài viết giới thiệu Đề án. "
        "Đây KHÔNG phải là văn bản chính thức của Đề án; khi cần trích dẫn, "
        "đề nghị sử dụng văn bản gốc do Thành ủy Hà Nội ban hành.")

# (kind, text): kind is "h1", "h2", "p", "note" or "item"
CONTENT = [
    ("h1", TITLE),
    ("note", NOTE),
    ("p", "Tên đầy đủ: Đề án nâng cao năng lực, hiệu lực, hiệu quả hoạt động của "
          "Hội đồng nhân dân các cấp thành phố Hà Nội giai đoạn 2021-2026 gắn với thực "
          "hiện thí điểm tổ chức mô hình chính quyền đô thị và củng cố chính quyền nông "
          "thôn tại thành phố Hà Nội."),
    ("p", "Số hiệu: 15-ĐA/TU. Ngày ký ban hành: 12/5/2022. Người ký: đồng chí Bí thư "
          "Thành ủy Đinh Tiến Dũng."),
    ("h2", "I. Hai mục tiêu"),
    ("item", "1. Tiếp tục đổi mới phương thức lãnh đạo của Đảng đối với hoạt động của "
             "HĐND các cấp; nâng cao năng lực, hiệu lực, hiệu quả hoạt động của HĐND các "
             "cấp và chất lượng hoạt động của đại biểu dân cử; phát huy vai trò của HĐND "
             "là cơ quan quyền lực nhà nước ở địa phương, đại diện cho ý chí, nguyện vọng "
             "của Nhân dân Thủ đô."),
    ("item", "2. Thực hiện có hiệu quả thí điểm tổ chức mô hình chính quyền đô thị tại "
             "thành phố Hà Nội theo Kết luận số 46-KL/TW ngày 19/4/2019 của Bộ Chính trị "
             "và Nghị quyết số 97/2019/QH14 ngày 28/11/2019 của Quốc hội."),
    ("h2", "II. Năm nhóm nhiệm vụ, giải pháp"),
    ("item", "1. Tăng cường sự lãnh đạo của các cấp ủy Đảng đối với tổ chức bộ máy và "
             "hoạt động của HĐND các cấp Thành phố."),
    ("item", "2. Đổi mới phương thức, nâng cao chất lượng, hiệu quả hoạt động của HĐND "
             "các cấp."),
    ("item", "3. Nâng cao chất lượng công tác phối hợp giữa Thường trực HĐND và các cơ "
             "quan liên quan."),
    ("item", "4. Nâng cao chất lượng, tính chuyên nghiệp trong công tác tham mưu, phục vụ "
             "của bộ máy giúp việc HĐND các cấp."),
    ("item", "5. Tăng cường hoạt động của Thường trực HĐND, các Ban HĐND, các Tổ đại biểu "
             "và đại biểu HĐND Thành phố, HĐND quận, thị xã tại nơi không tổ chức HĐND "
             "phường."),
    ("h2", "III. Tổ chức thực hiện (tóm lược)"),
    ("item", "- Đảng đoàn HĐND Thành phố chủ trì, phối hợp với Ban Tổ chức Thành ủy tham "
             "mưu quán triệt Đề án; xây dựng, ban hành kế hoạch thực hiện."),
    ("item", "- Thường trực HĐND, các Ban HĐND Thành phố đôn đốc, giám sát việc thực hiện; "
             "định kỳ sơ kết gắn với tổng kết thi đua, khen thưởng hằng năm."),
    ("item", "- Ban Cán sự Đảng UBND Thành phố, các ban Đảng, Văn phòng Thành ủy, Đảng đoàn "
             "MTTQ và các tổ chức chính trị - xã hội phối hợp triển khai."),
    ("item", "- Các quận, huyện, thị ủy cụ thể hóa Đề án; quan tâm công tác cán bộ HĐND, "
             "tăng cường cán bộ tham mưu giúp việc HĐND."),
]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>
"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>
"""

DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>
"""

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" w:eastAsia="Times New Roman"/><w:sz w:val="26"/><w:szCs w:val="26"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="288" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="240"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr>
<w:rPr><w:b/><w:bCs/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:keepNext/><w:spacing w:before="200" w:after="120"/><w:jc w:val="left"/><w:outlineLvl w:val="1"/></w:pPr>
<w:rPr><w:b/><w:bCs/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:qFormat/>
<w:pPr><w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="808080"/><w:left w:val="single" w:sz="4" w:space="4" w:color="808080"/><w:bottom w:val="single" w:sz="4" w:space="4" w:color="808080"/><w:right w:val="single" w:sz="4" w:space="4" w:color="808080"/></w:pBdr></w:pPr>
<w:rPr><w:i/><w:iCs/></w:rPr></w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="ListItem"><w:name w:val="List Item"/><w:basedOn w:val="Normal"/><w:qFormat/>
<w:pPr><w:ind w:left="567" w:hanging="283"/></w:pPr></w:style>
</w:styles>
"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>{title}</dc:title>
<dc:subject>Tóm tắt minh họa, không phải văn bản chính thức</dc:subject>
<dc:creator>hoidong (nội dung minh họa)</dc:creator>
<dc:language>vi-VN</dc:language>
<dcterms:created xsi:type="dcterms:W3CDTF">2022-05-12T00:00:00Z</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">2022-05-12T00:00:00Z</dcterms:modified>
</cp:coreProperties>
""".format(title=escape(TITLE))

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Application>hoidong make-demo-docx.py</Application>
</Properties>
"""

STYLE_OF = {"h1": "Heading1", "h2": "Heading2", "note": "Note", "item": "ListItem", "p": None}


def paragraph(kind, text):
    style = STYLE_OF[kind]
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def document_xml():
    body = "\n".join(paragraph(k, t) for k, t in CONTENT)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{W_NS}">\n<w:body>\n{body}\n'
            '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" '
            'w:header="709" w:footer="709" w:gutter="0"/></w:sectPr>\n'
            '</w:body>\n</w:document>\n')


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "demo", "de-an-15-DA-TU-tom-tat.docx")
    # [Content_Types].xml first, then _rels and word/: libmagic recognises
    # a Word 2007+ document by this order.
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", document_xml()),
        ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/styles.xml", STYLES),
        ("docProps/core.xml", CORE),
        ("docProps/app.xml", APP),
    ]
    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w") as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            z.writestr(info, text.encode("utf-8"), compresslevel=9)
    os.replace(tmp, out)
    print(out)


if __name__ == "__main__":
    main()
