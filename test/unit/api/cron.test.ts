import { describe, it, expect } from 'vitest';
import { CronError, CronSchedule, EverySchedule, parseCron } from '../../../src-main/engine/api/cron.js';

const schedule = (expr: string): CronSchedule => {
  const s = parseCron(expr);
  if (s instanceof CronError) throw s;
  if (!(s instanceof CronSchedule)) throw new Error(`${expr} is not a calendar schedule`);
  return s;
};
const next = (expr: string, after: string, zone = 'UTC') => {
  const t = schedule(expr).next(Date.parse(after), zone);
  return t === null ? null : new Date(t).toISOString();
};

describe('cron schedules (robfig/cron ParseStandard, as CronJob uses)', () => {
  it('finds the next run strictly after the given time', () => {
    expect(next('*/15 * * * *', '2024-01-01T00:00:30Z')).toBe('2024-01-01T00:15:00.000Z');
    expect(next('*/15 * * * *', '2024-01-01T00:15:00Z')).toBe('2024-01-01T00:30:00.000Z');
    expect(next('0 * * * *', '2024-01-01T23:59:00Z')).toBe('2024-01-02T00:00:00.000Z');
  });

  it('understands month and weekday names and ranges', () => {
    expect(next('0 9 * * MON-FRI', '2024-01-06T00:00:00Z')).toBe('2024-01-08T09:00:00.000Z');
    expect(next('0 0 1 JAN,jul *', '2024-02-01T00:00:00Z')).toBe('2024-07-01T00:00:00.000Z');
  });

  it('matches either day-of-month or day-of-week when both are restricted', () => {
    // 2024-01-02 is a Tuesday; the next Monday (Jan 8) comes before the 15th.
    expect(next('0 0 1,15 * 1', '2024-01-02T00:00:00Z')).toBe('2024-01-08T00:00:00.000Z');
    // With a star day-of-week, only the day of month counts.
    expect(next('0 0 15 * *', '2024-01-02T00:00:00Z')).toBe('2024-01-15T00:00:00.000Z');
  });

  it('finds leap days and gives up on impossible dates', () => {
    expect(next('0 0 29 2 *', '2024-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(next('0 0 30 2 *', '2024-01-01T00:00:00Z')).toBeNull();
  });

  it('expands the @ macros', () => {
    expect(next('@hourly', '2024-01-01T10:30:00Z')).toBe('2024-01-01T11:00:00.000Z');
    expect(next('@daily', '2024-01-01T10:30:00Z')).toBe('2024-01-02T00:00:00.000Z');
    expect(next('@midnight', '2024-01-01T10:30:00Z')).toBe('2024-01-02T00:00:00.000Z');
    expect(next('@weekly', '2024-01-01T10:30:00Z')).toBe('2024-01-07T00:00:00.000Z');
    expect(next('@monthly', '2024-01-01T10:30:00Z')).toBe('2024-02-01T00:00:00.000Z');
    expect(next('@yearly', '2024-01-01T10:30:00Z')).toBe('2025-01-01T00:00:00.000Z');
    expect(next('@annually', '2024-01-01T10:30:00Z')).toBe('2025-01-01T00:00:00.000Z');
  });

  it('evaluates the schedule on the wall clock of the time zone', () => {
    expect(next('0 9 * * *', '2024-01-01T00:00:00Z', 'Asia/Tokyo')).toBe('2024-01-02T00:00:00.000Z');
    expect(next('0 9 * * *', '2024-07-01T00:00:00Z', 'Europe/Berlin')).toBe('2024-07-01T07:00:00.000Z');
  });

  it('skips wall times that a DST jump removes and fires once on repeated ones', () => {
    // 2024-03-10 02:30 does not exist in New York.
    expect(next('30 2 * * *', '2024-03-10T00:00:00Z', 'America/New_York')).toBe('2024-03-11T06:30:00.000Z');
    // 2024-11-03 01:30 happens twice; the first (EDT) is used, then the next day.
    expect(next('30 1 * * *', '2024-11-03T00:00:00Z', 'America/New_York')).toBe('2024-11-03T05:30:00.000Z');
    expect(next('30 1 * * *', '2024-11-03T05:30:00Z', 'America/New_York')).toBe('2024-11-04T06:30:00.000Z');
  });

  it('accepts @every <duration> as robfig ConstantDelaySchedule: whole seconds after the last tick', () => {
    const every = parseCron('@every 1m30s');
    expect(every).toBeInstanceOf(EverySchedule);
    const t = (every as EverySchedule).next(Date.parse('2024-01-01T00:00:10.700Z'));
    expect(new Date(t!).toISOString()).toBe('2024-01-01T00:01:40.000Z');
    expect((parseCron('@every 200ms') as EverySchedule).delayMs).toBe(1000);
  });

  it.each([
    ['@every banana', 'failed to parse duration @every banana: time: invalid duration "banana"'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['* * *', 'expected exactly 5 fields, found 3: [* * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['a * * * *', 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
  ])('rejects %j with robfig error %j', (expr, message) => {
    const result = parseCron(expr);
    expect(result).toBeInstanceOf(CronError);
    expect((result as CronError).message).toBe(message);
  });
});
