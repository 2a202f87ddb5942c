/**
 * Layout of the driver diagram as server-rendered SVG: aim → primary drivers → secondary drivers →
 * change ideas, left to right. Pure: the template only draws the boxes and links computed here.
 * The same content is always on the page as a nested list (the outline), which is the text alternative.
 */

export interface DiagramIdea {
  id: number;
  title: string;
}

export interface DiagramDriver {
  id: number;
  title: string;
  ideas: DiagramIdea[];
  children: DiagramDriver[];
}

export type BoxKind = 'aim' | 'primary' | 'secondary' | 'idea';

export interface DiagramBox {
  kind: BoxKind;
  x: number;
  y: number;
  w: number;
  h: number;
  /** The text, already wrapped; each line with its baseline position. */
  lines: { text: string; x: number; y: number }[];
}

export interface DiagramLayout {
  width: number;
  height: number;
  columns: { x: number; kind: BoxKind }[];
  boxes: DiagramBox[];
  /** SVG path data for each connecting line. */
  links: string[];
}

const COL_W = 200;
const GAP = 40;
const PAD = 12;
const TOP = 44;
const LINE_H = 18;
const BOX_PAD_Y = 10;
const TEXT_PAD_X = 10;
const V_GAP = 12;
const CHARS = 24;
const MAX_LINES = 6;
const AIM_MAX_LINES = 12;

/** Splits text into lines of at most `width` characters, breaking long words; adds "…" past maxLines. */
export function wrapText(text: string, width = CHARS, maxLines = MAX_LINES): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (let word of words) {
    while (word.length > width) {
      if (line) {
        lines.push(line);
        line = '';
      }
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line = `${line} ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  if (lines.length === 0) lines.push('');
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    const last = kept[maxLines - 1] ?? '';
    kept[maxLines - 1] = `${last.slice(0, Math.max(0, width - 1))}…`;
    return kept;
  }
  return lines;
}

const columnX = (i: number): number => PAD + i * (COL_W + GAP);

export function layoutDiagram(aim: string, primaries: readonly DiagramDriver[]): DiagramLayout {
  const boxes: DiagramBox[] = [];
  const links: string[] = [];

  const measure = (text: string, maxLines = MAX_LINES) => {
    const lines = wrapText(text, CHARS, maxLines);
    return { lines, h: lines.length * LINE_H + 2 * BOX_PAD_Y };
  };
  const place = (kind: BoxKind, col: number, y: number, m: { lines: string[]; h: number }): DiagramBox => {
    const x = columnX(col);
    const box: DiagramBox = {
      kind,
      x,
      y,
      w: COL_W,
      h: m.h,
      lines: m.lines.map((text, i) => ({ text, x: x + TEXT_PAD_X, y: y + BOX_PAD_Y + (i + 1) * LINE_H - 5 })),
    };
    boxes.push(box);
    return box;
  };
  /** An elbow from the right side of one box to the left side of another, bending in the gap after `from`. */
  const link = (from: DiagramBox, to: DiagramBox): void => {
    const x1 = from.x + from.w;
    const y1 = from.y + from.h / 2;
    const x2 = to.x;
    const y2 = to.y + to.h / 2;
    const xm = x1 + GAP / 2;
    links.push(`M${x1} ${y1} H${xm} V${y2} H${x2}`);
  };

  let y = TOP;
  const primaryBoxes: DiagramBox[] = [];
  for (const p of primaries) {
    const pm = measure(p.title);
    const groups: { driver: DiagramDriver | null; ideas: DiagramIdea[] }[] = [
      ...p.children.map((s) => ({ driver: s, ideas: s.ideas })),
      ...(p.ideas.length ? [{ driver: null, ideas: p.ideas }] : []),
    ];
    const start = y;
    const placed: { box: DiagramBox | null; ideas: DiagramBox[] }[] = [];
    for (const g of groups) {
      const sm = g.driver ? measure(g.driver.title) : null;
      const ims = g.ideas.map((i) => measure(i.title));
      const ideasH = ims.reduce((sum, m) => sum + m.h, 0) + V_GAP * Math.max(0, ims.length - 1);
      const groupH = Math.max(ideasH, sm?.h ?? 0);
      const box = sm ? place('secondary', 2, y + (groupH - sm.h) / 2, sm) : null;
      let iy = y + (groupH - ideasH) / 2;
      const ideaBoxes = ims.map((m) => {
        const b = place('idea', 3, iy, m);
        iy += m.h + V_GAP;
        return b;
      });
      placed.push({ box, ideas: ideaBoxes });
      y += groupH + V_GAP;
    }
    const blockH = groups.length ? y - V_GAP - start : 0;
    const pBox = place('primary', 1, start + Math.max(0, (blockH - pm.h) / 2), pm);
    primaryBoxes.push(pBox);
    for (const g of placed) {
      if (g.box) {
        link(pBox, g.box);
        for (const i of g.ideas) link(g.box, i);
      } else for (const i of g.ideas) link(pBox, i);
    }
    y = Math.max(y, start + pm.h + V_GAP) + V_GAP;
  }
  const used = primaries.length ? y - 2 * V_GAP : TOP;
  const am = measure(aim, AIM_MAX_LINES);
  const aimBox = place('aim', 0, TOP + Math.max(0, (used - TOP - am.h) / 2), am);
  for (const p of primaryBoxes) link(aimBox, p);

  const bottom = Math.max(used, aimBox.y + aimBox.h);
  return {
    width: columnX(4) - GAP + PAD,
    height: Math.ceil(bottom + PAD),
    columns: (['aim', 'primary', 'secondary', 'idea'] as const).map((kind, i) => ({ kind, x: columnX(i) })),
    boxes,
    links,
  };
}
