// The HTML report: one self-contained file (its style, script and data inline; nothing fetched)
// that opens offline in any browser. The page is drawn by its script from the embedded data
// (html-data.ts), so the text of the model never passes through an HTML parser.
import type { ReportData } from './html-data.js';
import { pageScript, pageStyle } from './html-page.js';

/** What marks a file as this tool's HTML report (check/output-file.ts reads it back). */
export const htmlReportMarker = '<meta name="generator" content="iommulab-report">';

/** JSON that can sit inside a <script> element: no "</script", no "<!--". */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function htmlReport(data: ReportData): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
${htmlReportMarker}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeText(data.title)}</title>
<style>${pageStyle}</style>
</head>
<body>
<noscript>This report draws its timelines with JavaScript: enable it to read them.</noscript>
<main id="report"></main>
<script type="application/json" id="iommulab-data">${scriptJson(data)}</script>
<script>${pageScript}</script>
</body>
</html>
`;
}
