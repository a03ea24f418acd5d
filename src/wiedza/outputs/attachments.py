"""Publish attachments beside their page. Markdown worksheets are published as printable pages
(the kits writer adds their PDF and DOCX versions).

A worksheet's rendering is remembered in the build cache under its file's identity (path, size,
mtime, inode) and the rendering code, so an unchanged worksheet is not rendered again."""
from __future__ import annotations

from html import escape
from pathlib import Path

from .. import urls
from ..content import memo
from ..content.render import render_markdown
from ..stage import StagedPage
from .context import BuildContext, Download

OWNER = "załączniki"
MEMO_FILE = "attachments-v1.json"
# Every module whose code decides a worksheet's rendering.
RENDER_CODE = ("wiedza.outputs.attachments", "wiedza.content.render", "wiedza.slugs")


def published_path(doc_path: str, attachment) -> str:
    if attachment.extension == "md":
        return urls.attachment(doc_path, attachment.file[: -len(".md")] + ".html")
    return urls.attachment(doc_path, attachment.file)


def _rendered(attachment, rendered: memo.JsonMemo) -> str:
    """The worksheet as sanitised HTML, from the memo while the file is unchanged."""
    identity = memo.file_identity(attachment.source)
    key = memo.digest(memo.code_digest(*RENDER_CODE), str(attachment.source), repr(identity))
    html = rendered.get(key, lambda value: isinstance(value, str)) if identity else None
    if html is None:
        html = render_markdown(attachment.source.read_text(encoding="utf-8-sig"))
        if identity == memo.file_identity(attachment.source):   # not remembered if it changed meanwhile
            rendered.put(key, html)
    return html


def write(ctx: BuildContext) -> None:
    index, stage = ctx.index, ctx.stage
    rendered = memo.JsonMemo(Path(ctx.cache_dir) / MEMO_FILE if ctx.cache_dir else None)
    for doc in index.items:
        doc_path = index.path_of(doc)
        for attachment in doc.attachments:
            path = published_path(doc_path, attachment)
            if attachment.extension == "md":
                html = _rendered(attachment, rendered)
                body = (f'<p class="wiedza-back"><a href="{urls.relative(path, doc_path)}">← {escape(doc.title)}</a></p>\n'
                        f'<article class="wiedza-sheet">{html}</article>')
                stage.add_page(StagedPage(path=path, title=f"{attachment.title} – {doc.title}", body_html=body,
                                          description=attachment.title, section=doc.section), OWNER)
                ctx.add_download(doc.id, Download(path, attachment.title, "html", attachment.size, attachment.kind))
            else:
                stage.copy_file(path, attachment.source, OWNER)
                main = attachment.kind == "fulltext" and attachment.extension == "pdf" and \
                    not any(d.main for d in ctx.downloads.get(doc.id, []))
                ctx.add_download(doc.id, Download(path, attachment.title, attachment.extension, attachment.size,
                                                  attachment.kind, main))
    rendered.save()
    for periodical in index.periodicals.values():
        for issue in periodical.issues:
            for attachment in (issue.pdf, issue.cover):
                if attachment is not None:
                    stage.copy_file(urls.periodical_file(periodical.key, attachment.file), attachment.source, OWNER)
