using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Latent.Reporting;

/// <summary>
/// A report built block by block (headings, paragraphs, tables, images, code) and written as Markdown with images
/// beside it and as one self-contained HTML file with the images embedded.
/// </summary>
public sealed partial class ReportDocument
{
    private readonly List<Block> blocks = new();

    /// <summary>Creates a report rooted at <paramref name="directory"/>; image paths are stored relative to it.</summary>
    public ReportDocument(string directory, string title)
    {
        Directory = Path.GetFullPath(directory);
        Title = title;
    }

    /// <summary>The folder the report and its images live in.</summary>
    public string Directory { get; }

    /// <summary>The report title (level-1 heading).</summary>
    public string Title { get; }

    /// <summary>Adds a heading of level 2 or deeper.</summary>
    public ReportDocument Heading(string text, int level = 2) => Add(new Block.Heading(Math.Clamp(level, 2, 6), text));

    /// <summary>Adds a paragraph; `code` and **bold** spans are kept in both formats.</summary>
    public ReportDocument Paragraph(string text) => Add(new Block.Paragraph(text));

    /// <summary>Adds a bulleted list.</summary>
    public ReportDocument Bullets(IEnumerable<string> items) => Add(new Block.Bullets(items.ToList()));

    /// <summary>Adds a table with a header row.</summary>
    public ReportDocument Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var list = rows.ToList();
        if (list.Any(r => r.Count != header.Count)) throw new LatentException($"report table '{string.Join(",", header)}': a row's length differs from the header's {header.Count}");
        return Add(new Block.Table(header, list));
    }

    /// <summary>Adds an image that already exists under the report folder.</summary>
    public ReportDocument Image(string path, string caption)
    {
        var relative = Path.GetRelativePath(Directory, Path.GetFullPath(path));
        return Add(new Block.Image(relative.Replace('\\', '/'), caption));
    }

    /// <summary>Adds a preformatted block (sampled text, console output).</summary>
    public ReportDocument Code(string text) => Add(new Block.Code(text));

    /// <summary>Renders the Markdown text.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder().Append("# ").AppendLine(Title).AppendLine();
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Block.Heading h: md.Append('#', h.Level).Append(' ').AppendLine(h.Text); break;
                case Block.Paragraph p: md.AppendLine(p.Text); break;
                case Block.Bullets b: foreach (var item in b.Items) md.Append("- ").AppendLine(item); break;
                case Block.Table t:
                    md.Append("| ").AppendJoin(" | ", t.Header.Select(EscapeCell)).AppendLine(" |");
                    md.Append('|').AppendJoin("|", t.Header.Select(_ => "---")).AppendLine("|");
                    foreach (var row in t.Rows) md.Append("| ").AppendJoin(" | ", row.Select(EscapeCell)).AppendLine(" |");
                    break;
                case Block.Image i: md.Append("![").Append(i.Caption).Append("](").Append(i.RelativePath).AppendLine(")"); break;
                case Block.Code c: md.AppendLine("```").AppendLine(c.Text.TrimEnd()).AppendLine("```"); break;
            }
            md.AppendLine();
        }
        return md.ToString();
    }

    /// <summary>Renders a self-contained HTML page with PNG images embedded as data URIs.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<title>").Append(WebUtility.HtmlEncode(Title)).AppendLine("</title>")
            .AppendLine("<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;line-height:1.5;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}th{background:#f0f0f0}"
                + "td:first-child,th:first-child{text-align:left}img{max-width:100%}figure{margin:1em 0}figcaption{color:#555;font-size:90%}"
                + "pre{background:#f6f6f6;padding:1em;overflow-x:auto}code{background:#f3f3f3;padding:0 3px}</style></head><body>")
            .Append("<h1>").Append(WebUtility.HtmlEncode(Title)).AppendLine("</h1>");
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Block.Heading h: html.Append($"<h{h.Level}>").Append(Inline(h.Text)).AppendLine($"</h{h.Level}>"); break;
                case Block.Paragraph p: html.Append("<p>").Append(Inline(p.Text)).AppendLine("</p>"); break;
                case Block.Bullets b:
                    html.AppendLine("<ul>");
                    foreach (var item in b.Items) html.Append("<li>").Append(Inline(item)).AppendLine("</li>");
                    html.AppendLine("</ul>");
                    break;
                case Block.Table t:
                    html.Append("<table><tr>");
                    foreach (var cell in t.Header) html.Append("<th>").Append(Inline(cell)).Append("</th>");
                    html.AppendLine("</tr>");
                    foreach (var row in t.Rows)
                    {
                        html.Append("<tr>");
                        foreach (var cell in row) html.Append("<td>").Append(Inline(cell)).Append("</td>");
                        html.AppendLine("</tr>");
                    }
                    html.AppendLine("</table>");
                    break;
                case Block.Image i:
                    var file = Path.Combine(Directory, i.RelativePath);
                    if (!File.Exists(file)) throw new LatentException($"{file}: report image is missing");
                    html.Append("<figure><img alt=\"").Append(WebUtility.HtmlEncode(i.Caption)).Append("\" src=\"data:image/png;base64,")
                        .Append(Convert.ToBase64String(File.ReadAllBytes(file))).Append("\"><figcaption>")
                        .Append(Inline(i.Caption)).AppendLine("</figcaption></figure>");
                    break;
                case Block.Code c: html.Append("<pre>").Append(WebUtility.HtmlEncode(c.Text.TrimEnd())).AppendLine("</pre>"); break;
            }
        }
        return html.AppendLine("</body></html>").ToString();
    }

    /// <summary>Writes `NAME.md` and `NAME.html` into the report folder (atomically) and returns both paths.</summary>
    public (string Markdown, string Html) Save(string name = "report")
    {
        var markdown = Path.Combine(Directory, name + ".md");
        var html = Path.Combine(Directory, name + ".html");
        AtomicFile.WriteText(markdown, ToMarkdown());
        AtomicFile.WriteText(html, ToHtml());
        return (markdown, html);
    }

    private ReportDocument Add(Block block)
    {
        blocks.Add(block);
        return this;
    }

    private static string EscapeCell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Inline(string text)
    {
        var encoded = WebUtility.HtmlEncode(text);
        encoded = CodeSpan().Replace(encoded, "<code>$1</code>");
        return BoldSpan().Replace(encoded, "<strong>$1</strong>");
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\*\*([^*]+)\*\*")]
    private static partial Regex BoldSpan();

    private abstract record Block
    {
        public sealed record Heading(int Level, string Text) : Block;
        public sealed record Paragraph(string Text) : Block;
        public sealed record Bullets(IReadOnlyList<string> Items) : Block;
        public sealed record Table(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : Block;
        public sealed record Image(string RelativePath, string Caption) : Block;
        public sealed record Code(string Text) : Block;
    }
}
