import { Marked } from "marked";

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

// Raw HTML in a guide is shown as text, and links only keep safe schemes: guides are content, not code.
const marked = new Marked({
  gfm: true,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
    link({ href, title, tokens }) {
      const safe = /^(https?:|mailto:|\/|#)/i.test(href) ? href : "#";
      const inner = this.parser.parseInline(tokens);
      return `<a href="${escapeHtml(safe)}"${title ? ` title="${escapeHtml(title)}"` : ""} rel="noopener noreferrer">${inner}</a>`;
    },
    image({ href, text }) {
      return /^https?:/i.test(href) ? `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}" loading="lazy">` : escapeHtml(text);
    },
  },
});

/** A markdown guide rendered to HTML (GitHub-flavoured, raw HTML escaped). */
export function Markdown({ source }: { source: string }) {
  const html = marked.parse(source, { async: false });
  return <div className="portal-prose" dangerouslySetInnerHTML={{ __html: html }} />;
}
