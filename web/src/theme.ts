// A brand's colours as CSS custom properties, with a text colour that stays readable on them.

/** Black or white, whichever reads better on ``hex`` (WCAG relative luminance). */
export function readableOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.179 ? '#111111' : '#ffffff';
}

/** Darken a colour until white-on-colour text contrast is at least 4.5:1 (for links). */
export function inkOf(hex: string): string {
  let [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const lum = () =>
    [r, g, b]
      .map((v) => v / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  for (let step = 0; step < 40 && 1.05 / (lum() + 0.05) < 4.6; step++) {
    [r, g, b] = [r, g, b].map((v) => Math.floor(v * 0.9));
  }
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Apply a brand's accent to an element (the document root, or the widget's host). */
export function applyAccent(target: HTMLElement, accent: string | null | undefined): void {
  if (!accent) {
    for (const name of ['--bh-accent', '--bh-on-accent', '--bh-ink']) target.style.removeProperty(name);
    return;
  }
  target.style.setProperty('--bh-accent', accent);
  target.style.setProperty('--bh-on-accent', readableOn(accent));
  target.style.setProperty('--bh-ink', inkOf(accent));
}
