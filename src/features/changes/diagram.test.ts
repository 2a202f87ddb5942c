import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutDiagram, wrapText, type DiagramDriver } from './diagram.ts';
import { layoutTimeline } from './timeline.ts';

describe('driver diagram layout', () => {
  it('wraps words into short lines, breaks very long words and cuts off with an ellipsis', () => {
    expect(wrapText('People know what to expect before they come', 20)).toEqual(['People know what to', 'expect before they', 'come']);
    expect(wrapText('a'.repeat(25), 10)).toEqual(['aaaaaaaaaa', 'aaaaaaaaaa', 'aaaaa']);
    expect(wrapText('one two three four five six', 3, 2)).toEqual(['one', 'tw…']);
    expect(wrapText('   ')).toEqual(['']);
  });

  it('puts the aim, drivers and ideas in their columns and links each to its parent', () => {
    const layout = layoutDiagram('Fewer missed appointments', [
      { id: 1, title: 'Know what to expect', ideas: [{ id: 9, title: 'Welcome video' }], children: [{ id: 2, title: 'Clear letter', ideas: [{ id: 10, title: 'Easy read letter' }], children: [] }] },
      { id: 3, title: 'Times that suit', ideas: [], children: [] },
    ]);
    expect(layout.boxes.map((b) => b.kind).sort()).toEqual(['aim', 'idea', 'idea', 'primary', 'primary', 'secondary']);
    const columnOf = Object.fromEntries(layout.columns.map((c) => [c.kind, c.x]));
    for (const b of layout.boxes) expect(b.x).toBe(columnOf[b.kind]);
    // aim→2 primaries, primary→secondary, secondary→idea, primary→its own idea
    expect(layout.links).toHaveLength(5);
  });

  const drivers: fc.Arbitrary<DiagramDriver[]> = fc.array(
    fc.record({
      id: fc.nat(),
      title: fc.string({ maxLength: 120 }),
      ideas: fc.array(fc.record({ id: fc.nat(), title: fc.string({ maxLength: 80 }) }), { maxLength: 3 }),
      children: fc.array(
        fc.record({ id: fc.nat(), title: fc.string({ maxLength: 120 }), ideas: fc.array(fc.record({ id: fc.nat(), title: fc.string({ maxLength: 80 }) }), { maxLength: 4 }), children: fc.constant([]) }),
        { maxLength: 4 },
      ),
    }),
    { maxLength: 5 },
  );

  it('never lets two boxes in a column overlap, and fits every box inside the picture', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), drivers, (aim, tree) => {
        const layout = layoutDiagram(aim, tree);
        for (const b of layout.boxes) {
          expect(b.y).toBeGreaterThanOrEqual(0);
          expect(b.y + b.h).toBeLessThanOrEqual(layout.height);
          expect(b.x + b.w).toBeLessThanOrEqual(layout.width);
        }
        for (const kind of ['primary', 'secondary', 'idea'] as const) {
          const col = layout.boxes.filter((b) => b.kind === kind).sort((a, b) => a.y - b.y);
          for (let i = 1; i < col.length; i++) expect((col[i] as { y: number }).y).toBeGreaterThanOrEqual((col[i - 1] as { y: number; h: number }).y + (col[i - 1] as { h: number }).h);
        }
      }),
    );
  });
});

describe('timeline layout', () => {
  it('draws nothing when no cycle has a date', () => {
    expect(layoutTimeline([{ ideaTitle: 'Idea', cycles: [{ id: 1, title: 'Undated', start_on: null, end_on: null }] }])).toBeNull();
  });

  it('spans whole months, with bars for ended cycles and dots for open ones, later dates further right', () => {
    const layout = layoutTimeline([
      {
        ideaTitle: 'Text reminder',
        cycles: [
          { id: 1, title: 'Week 1', start_on: '2025-01-06', end_on: '2025-01-10' },
          { id: 2, title: 'Month', start_on: '2025-02-03', end_on: null },
        ],
      },
    ]);
    expect(layout?.ticks.map((t) => t.label)).toEqual(['Jan 2025', 'Feb 2025']);
    const [idea, week, month] = layout?.rows ?? [];
    expect(idea?.kind).toBe('idea');
    expect(week?.bar?.w).toBeGreaterThan(0);
    expect(month?.dot?.cx).toBeGreaterThan((week?.bar?.x ?? 0) + (week?.bar?.w ?? 0));
  });
});
