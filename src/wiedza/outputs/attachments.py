"""Publish attachments beside their page. Markdown worksheets are published as printable pages
(the kits writer adds their PDF and DOCX versions)."""
from __future__ import annotations

from html import escape

from .. import urls
from ..content.render import render_markdown
from ..stage import StagedPage
from .context import BuildContext, Download

OWNER = "załączniki"


def published_path(doc_path: str, attachment) -> str:
    if attachment.extension == "md":
        return urls.attachment(doc_path, attachment.file[: -len(".md")] + ".html")
    return urls.attachment(doc_path, attachment.file)


def write(ctx: BuildContext) -> None:
    index, stage = ctx.index, ctx.stage
    for doc in index.items:
        doc_path = index.path_of(doc)
        for attachment in doc.attachments:
            path = published_path(doc_path, attachment)
            if attachment.extension == "md":
                html = render_markdown(attachment.source.read_text(encoding="utf-8-sig"))
                body = (f'<p class="wiedza-back"><a href="{urls.relative(path, doc_path)}">← {escape(doc.title)}</a></p>\n'
                        f'<article class="wiedza-sheet">{html}</article>')
                stage.add_page(StagedPage(path=path, title=f"{attachment.title} – {doc.title}", body_html=body,
                                          description=attachment.title, section=doc.section), OWNER)
                size = len(attachment.source.read_bytes())
                ctx.add_download(doc.id, Download(path, attachment.title, "html", size, attachment.kind))
            else:
                stage.copy_file(path, attachment.source, OWNER)
                main = attachment.kind == "fulltext" and attachment.extension == "pdf" and \
                    not any(d.main for d in ctx.downloads.get(doc.id, []))
                ctx.add_download(doc.id, Download(path, attachment.title, attachment.extension, attachment.size,
                                                  attachment.kind, main))
    for periodical in index.periodicals.values():
        for issue in periodical.issues:
            for attachment in (issue.pdf, issue.cover):
                if attachment is not None:
                    stage.copy_file(urls.periodical_file(periodical.key, attachment.file), attachment.source, OWNER)

