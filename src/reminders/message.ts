/**
 * One message, three channels: every reminder and notice is described once as `MessageContent`
 * and laid out here as WhatsApp text, plain email and HTML email, so the channels cannot drift.
 */

export interface RenderedMessage {
  whatsappText: string;
  emailSubject: string;
  emailText: string;
  emailHtml: string;
}

export interface MessageLink {
  label: string;
  url: string;
}

export interface MessageContent {
  subject: string;
  title: string;
  /** The first sentence, greeting included; `details` follow it line by line. */
  opening: string;
  details: readonly string[];
  link?: MessageLink;
  closing: readonly string[];
  /** The recipient's zone, named in email so a wrong profile setting is noticed. */
  timeZone: string;
}

type Line = string | MessageLink;

/** Lays out one message for every channel; user-provided text is escaped in the HTML. */
export function renderMessage(content: MessageContent): RenderedMessage {
  const body: Line[][] = [[content.opening, ...content.details]];
  if (content.link) body.push([content.link]);
  if (content.closing.length > 0) body.push([...content.closing]);
  const footnote = `Times are shown in your time zone (${content.timeZone}).`;

  const whatsappText = [[content.title], ...body].map((lines) => lines.map(lineText).join("\n")).join("\n\n");
  return {
    whatsappText,
    emailSubject: content.subject,
    emailText: `${whatsappText}\n\n${footnote}`,
    emailHtml: [
      "<!doctype html>",
      '<html><body style="font-family:Arial,sans-serif;line-height:1.5;color:#222">',
      `<h1 style="font-size:20px">${escapeHtml(content.title)}</h1>`,
      ...body.map((lines) => `<p>${lines.map(lineHtml).join("<br>")}</p>`),
      `<p style="color:#666;font-size:12px">${escapeHtml(footnote)}</p>`,
      "</body></html>",
    ].join("\n"),
  };
}

function lineText(line: Line): string {
  return typeof line === "string" ? line : `${line.label}: ${line.url}`;
}

function lineHtml(line: Line): string {
  if (typeof line === "string") return escapeHtml(line);
  const url = escapeHtml(line.url);
  return `${escapeHtml(line.label)}: <a href="${url}">${url}</a>`;
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML content and quoted attributes. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
}
