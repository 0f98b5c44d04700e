/**
 * A step's screenshot with a marker where its action landed, as one SVG: the picture is drawn in
 * the screen's own coordinate space (the space the step recorded), so a marker sits exactly at
 * the recorded pixel however the picture was shrunk or the page is sized.
 */
import type { Point, ScreenAction } from '../domain/screen.js';
import type { StoredScreenshot } from '../store/artifacts.js';
import { escapeHtml } from './html.js';

interface Marked {
  kind: string;
  at: Point;
}

/** The points an action touched (none for keys, waits, app switches). */
export function markedPoints(action: ScreenAction | null): Marked[] {
  switch (action?.type) {
    case 'click':
    case 'scroll':
      return [{ kind: action.type, at: action.at }];
    case 'type':
      return action.at ? [{ kind: 'type', at: action.at }] : [];
    case 'drag':
      return [
        { kind: 'drag-start', at: action.from },
        { kind: 'drag-end', at: action.to },
      ];
    default:
      return [];
  }
}

function marker({ kind, at }: Marked, radius: number): string {
  const x = Math.round(at.x);
  const y = Math.round(at.y);
  return `<g class="marker" data-kind="${kind}" data-x="${x}" data-y="${y}"><circle class="ring" cx="${x}" cy="${y}" r="${radius}" stroke-width="${Math.max(2, radius / 4)}"/><circle class="dot" cx="${x}" cy="${y}" r="${Math.max(2, radius / 4)}"/></g>`;
}

export function screenshotFigure(
  shot: StoredScreenshot,
  action: ScreenAction | null,
  caption: string,
): string {
  const w = shot.screenWidth;
  const h = shot.screenHeight;
  const radius = Math.max(6, Math.round(Math.max(w, h) * 0.014));
  const points = markedPoints(action);
  const line =
    action?.type === 'drag'
      ? `<line x1="${Math.round(action.from.x)}" y1="${Math.round(action.from.y)}" x2="${Math.round(action.to.x)}" y2="${Math.round(action.to.y)}" stroke-width="${Math.max(2, radius / 4)}"/>`
      : '';
  const image = `<image href="data:${escapeHtml(shot.mediaType)};base64,${shot.data.toString('base64')}" x="0" y="0" width="${w}" height="${h}" preserveAspectRatio="none"/>`;
  return [
    '<figure>',
    `<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(caption)}">`,
    image,
    line,
    ...points.map((p) => marker(p, radius)),
    '</svg>',
    `<figcaption>${escapeHtml(caption)}</figcaption>`,
    '</figure>',
  ].join('');
}
