import { describe, it, expect } from 'vitest';
import { PassThrough } from 'node:stream';
import { describeTimes, formatDuration, progressTimes } from '@/lib/progress-estimate';
import { progressBar } from '@/lib/cli/progress';

describe('progress times', () => {
  it('says nothing about the rest before a few seconds and percent have passed', () => {
    expect(progressTimes(0.5, 0, 1000).remainingMs).toBeNull();
    expect(progressTimes(0.01, 0, 60_000).remainingMs).toBeNull();
    expect(describeTimes(progressTimes(0, 0, 12_000))).toBe('running 12 s');
  });

  it('scales the elapsed time by what is left, rounded up to a sensible step', () => {
    const t = progressTimes(0.25, 0, 30_000);
    expect(t.remainingMs).toBe(90_000);
    expect(describeTimes(t)).toBe('running 30 s, about 1 min 30 s left');
    expect(describeTimes(progressTimes(0.8, 0, 28_000))).toBe('running 28 s, about 10 s left');
  });

  it('writes durations as a person says them', () => {
    expect(formatDuration(8_000)).toBe('8 s');
    expect(formatDuration(130_000)).toBe('2 min 10 s');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
  });

  it('puts the stage, the time run and the time left on the CLI bar', () => {
    let now = 0;
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (c: Buffer) => lines.push(c.toString()));
    const bar = progressBar('train', out as unknown as NodeJS.WriteStream, () => now);
    now = 20_000;
    bar.update(1, 4, 'validation fit');
    expect(lines.join('')).toContain('25% validation fit (running 20 s, about 1 min left)');
  });
});
