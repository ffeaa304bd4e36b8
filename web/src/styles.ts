const elementStyles = `
bh-leaderboard, bh-ballot-ranked, bh-spec-form, bh-spec-view, bh-spec-diff, bh-vote-approval,
bh-vote-score, bh-vote-quadratic { display: block; }
.card > h2:first-child, .card > section > h2:first-child, .card h2.first { margin-top: 0; }
pre.snippet { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bh-soft); padding: 0.6em; border-radius: var(--bh-radius); }
`;

// One stylesheet for the app's document and the widget's shadow root. Themed by custom
// properties: --bh-accent, --bh-on-accent, --bh-ink (links), --bh-font, --bh-radius.
const baseStyles = `
:host, :root {
  --bh-accent: #1a5f8f;
  --bh-on-accent: #ffffff;
  --bh-ink: #1a5f8f;
  --bh-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --bh-radius: 6px;
  --bh-text: #1d1d1f;
  --bh-muted: #555;
  --bh-line: #d0d0d5;
  --bh-surface: #ffffff;
  --bh-soft: #f4f5f7;
  --bh-danger: #b00020;
  --bh-focus: #0a58ca;
  font-family: var(--bh-font);
  color: var(--bh-text);
  line-height: 1.45;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bh-soft); font-family: var(--bh-font); color: var(--bh-text); }
a { color: var(--bh-ink); }
:focus-visible { outline: 3px solid var(--bh-focus); outline-offset: 2px; }
h1 { font-size: 1.6rem; margin: 0.2em 0 0.4em; }
h2 { font-size: 1.25rem; margin: 1em 0 0.5em; }
h3 { font-size: 1.05rem; margin: 1em 0 0.4em; }
button, .button {
  font: inherit; cursor: pointer; border: 1px solid var(--bh-line); background: var(--bh-surface);
  color: var(--bh-text); border-radius: var(--bh-radius); padding: 0.45em 0.9em; min-height: 2.5rem;
  text-decoration: none; display: inline-flex; align-items: center; gap: 0.3em;
}
button:disabled { cursor: not-allowed; opacity: 0.55; }
button.primary, .button.primary { background: var(--bh-accent); color: var(--bh-on-accent); border-color: var(--bh-accent); }
button.danger { color: var(--bh-danger); border-color: var(--bh-danger); }
button.link { border: none; background: none; color: var(--bh-ink); text-decoration: underline; padding: 0.2em; min-height: 0; }
button.toggle.on { background: var(--bh-accent); color: var(--bh-on-accent); border-color: var(--bh-accent); }
input, select, textarea {
  font: inherit; padding: 0.45em 0.6em; border: 1px solid #8a8a93; border-radius: var(--bh-radius);
  width: 100%; background: #fff; color: var(--bh-text); min-height: 2.5rem;
}
input[type="checkbox"], input[type="radio"] { width: auto; min-height: 0; }
input[aria-invalid="true"], select[aria-invalid="true"], textarea[aria-invalid="true"] { border: 2px solid var(--bh-danger); }
label { font-weight: 600; display: block; margin-bottom: 0.2em; }
fieldset { border: 1px solid var(--bh-line); border-radius: var(--bh-radius); padding: 0.6em 0.8em; margin: 0.6em 0; min-width: 0; }
legend { font-weight: 700; padding: 0 0.3em; }
.field { margin: 0.5em 0; }
.field.check, .check { display: inline-flex; align-items: center; gap: 0.4em; margin: 0.2em 0.8em 0.2em 0; }
.check label { display: inline; font-weight: 400; margin: 0; }
.field-error { color: var(--bh-danger); font-weight: 600; margin: 0.25em 0; }
.alert { border: 2px solid var(--bh-danger); background: #fff4f4; padding: 0.5em 0.9em; border-radius: var(--bh-radius); margin: 0.6em 0; }
.notice { border: 2px solid #1b6e3a; background: #f0fbf3; padding: 0.5em 0.9em; border-radius: var(--bh-radius); margin: 0.6em 0; }
.hint { color: var(--bh-muted); }
.row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em; }
.row.spread { justify-content: space-between; }
.grow { flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
.card { background: var(--bh-surface); border: 1px solid var(--bh-line); border-radius: var(--bh-radius); padding: 0.9em 1em; margin: 0.8em 0; }
.badge { display: inline-block; font-size: 0.85em; padding: 0.1em 0.55em; border-radius: 999px; background: #e6e8ec; color: #222; }
.badge.pending { background: #fff1c2; color: #5c4400; }
.badge.live { background: #dff5e6; color: #0d5a2a; }
.badge.offline { background: #fde2e2; color: #7a1010; }
.badge.phase { background: #e4eefc; color: #123a6b; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.tabs { display: flex; gap: 0.3em; flex-wrap: wrap; margin: 0.5em 0; }
.tabs a { padding: 0.35em 0.8em; border: 1px solid var(--bh-line); border-radius: 999px; text-decoration: none; color: var(--bh-text); background: var(--bh-surface); }
.tabs a[aria-current="page"] { background: var(--bh-accent); color: var(--bh-on-accent); border-color: var(--bh-accent); }
ol.board, ol.ranked, ul.unranked, ul.plain { list-style: none; padding: 0; margin: 0; }
ol.board li, ol.ranked li, ul.unranked li, ul.plain > li {
  display: flex; align-items: center; gap: 0.6em; padding: 0.5em 0.3em; border-bottom: 1px solid var(--bh-line); flex-wrap: wrap;
}
.rank { font-weight: 700; min-width: 1.6em; text-align: center; }
.score { font-variant-numeric: tabular-nums; font-weight: 600; }
.voters { color: var(--bh-muted); font-size: 0.9em; }
.stars { display: flex; gap: 0.1em; border: none; padding: 0; margin: 0; align-items: center; flex-wrap: wrap; }
.stars legend { font-weight: 600; font-size: 0.9em; margin-bottom: 0.2em; }
.star { display: inline-flex; cursor: pointer; font-size: 1.4em; color: #8a8a93; margin: 0; font-weight: 400; padding: 0.1em; }
.star input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.star.lit { color: #b36b00; }
.star:focus-within { outline: 3px solid var(--bh-focus); outline-offset: 1px; border-radius: 4px; }
.stepper { display: inline-flex; align-items: center; gap: 0.5em; }
.stepper output { min-width: 6em; text-align: center; font-weight: 600; }
.meter-text.over { color: var(--bh-danger); font-weight: 700; }
meter { width: 100%; max-width: 16em; height: 1em; }
progress { width: 100%; height: 1em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
/* A wide table scrolls inside its card on a narrow screen instead of widening the page. */
.table-scroll { overflow-x: auto; max-width: 100%; }
.table-scroll:focus-visible { outline: 3px solid var(--bh-focus); outline-offset: 2px; }
th, td { text-align: left; padding: 0.35em 0.5em; border-bottom: 1px solid var(--bh-line); vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 700; padding: 0.3em 0; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 1em; margin: 0.5em 0; }
dl.kv dt { font-weight: 600; }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
code.digest { font-size: 0.8em; overflow-wrap: anywhere; word-break: break-all; }
.diff del { background: #ffe3e3; text-decoration: line-through; }
.diff ins { background: #ddf7e3; text-decoration: none; }
.item, .pair { display: flex; gap: 0.5em; align-items: flex-end; flex-wrap: wrap; }
.item > .field, .item > fieldset, .pair > .field { flex: 1 1 14em; }
.proposal-row { display: grid; grid-template-columns: 1fr; gap: 0.4em; }
@media (min-width: 700px) { .proposal-row { grid-template-columns: 1fr auto; align-items: start; } }
.layout { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1em; }
@media (min-width: 960px) { .layout { grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); } }
.logo { max-height: 48px; max-width: 160px; }
.powered { color: var(--bh-muted); font-size: 0.9em; }
`;

export const appStyles = `
bh-app { display: block; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 0.5em; z-index: 10; }
.skip:focus { left: 0.5em; }
header.top { background: #fff; border-bottom: 1px solid var(--bh-line); padding: 0.5em 1em; }
header.top nav { max-width: 72rem; margin: 0 auto; }
header.top a.home { font-weight: 800; font-size: 1.2rem; text-decoration: none; color: var(--bh-text); }
header.top select.locale { width: auto; }
main { display: block; max-width: 72rem; margin: 0 auto; padding: 0.5em 1em 2em; }
main h1:focus { outline: none; }
footer { max-width: 72rem; margin: 0 auto; padding: 1em; }
.who { font-weight: 600; }
.brand-head { display: flex; gap: 0.8em; align-items: center; flex-wrap: wrap; }
.brand-head .accent { border-left: 6px solid var(--bh-accent); padding-left: 0.6em; }
.grid { padding: 0; list-style: none; display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 18rem), 1fr)); gap: 0.8em; }
`;


export const styles = baseStyles + elementStyles;
