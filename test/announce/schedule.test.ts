import { describe, expect, it } from 'vitest';
import { formatTime, nextOccurrence, parseSchedule, type Schedule } from '../../src/announce/schedule.js';

const SH = 'Asia/Shanghai';
const BERLIN = 'Europe/Berlin';
const iso = (ms: number) => new Date(ms).toISOString();
const utc = (s: string) => Date.parse(s);

describe('parseSchedule', () => {
  it.each<[string, Schedule]>([
    ['daily 09:00', { cadence: 'daily', weekday: null, time: '09:00' }],
    ['daily 9:05', { cadence: 'daily', weekday: null, time: '09:05' }],
    ['  DAILY   23:59 ', { cadence: 'daily', weekday: null, time: '23:59' }],
    ['daily 0:00', { cadence: 'daily', weekday: null, time: '00:00' }],
    ['weekly mon 09:00', { cadence: 'weekly', weekday: 1, time: '09:00' }],
    ['weekly Sunday 07:45', { cadence: 'weekly', weekday: 7, time: '07:45' }],
    ['weekly 周三 18:30', { cadence: 'weekly', weekday: 3, time: '18:30' }],
    ['weekly 星期日 18:30', { cadence: 'weekly', weekday: 7, time: '18:30' }],
    ['weekly 7 08:00', { cadence: 'weekly', weekday: 7, time: '08:00' }],
    ['weekly 1 8:00', { cadence: 'weekly', weekday: 1, time: '08:00' }],
  ])('accepts %j', (input, expected) => {
    expect(parseSchedule(input)).toEqual(expected);
  });

  it.each([
    'daily 25:00',
    'daily 24:00',
    'daily 09:60',
    'daily 9',
    'weekly xyz 09:00',
    'weekly constructor 09:00',
    'weekly __proto__ 09:00',
    'weekly 0 09:00',
    'weekly 8 09:00',
    'weekly mon',
    'weekly 09:00',
    'hourly 09:00',
    'daily',
    'daily 09:00 extra',
    '',
    '   ',
  ])('rejects %j', (input) => {
    expect(parseSchedule(input)).toBeUndefined();
  });
});

describe('nextOccurrence in Asia/Shanghai (UTC+8, no DST)', () => {
  const daily9: Schedule = { cadence: 'daily', weekday: null, time: '09:00' };
  const monday9: Schedule = { cadence: 'weekly', weekday: 1, time: '09:00' };

  it('daily 09:00 asked at 08:30 → the same day at 09:00', () => {
    // 2026-11-27 08:30 Shanghai = 2026-11-27 00:30Z
    expect(iso(nextOccurrence(daily9, utc('2026-11-27T00:30:00Z'), SH))).toBe('2026-11-27T01:00:00.000Z');
  });

  it('daily 09:00 asked at exactly 09:00 → the next day', () => {
    expect(iso(nextOccurrence(daily9, utc('2026-11-27T01:00:00Z'), SH))).toBe('2026-11-28T01:00:00.000Z');
  });

  it('daily 09:00 asked at 08:59:59.999 → still the same day', () => {
    expect(iso(nextOccurrence(daily9, utc('2026-11-27T00:59:59.999Z'), SH))).toBe('2026-11-27T01:00:00.000Z');
  });

  it('daily 09:00 asked in the evening or after local midnight → the next local day', () => {
    // 2026-11-27 23:30 Shanghai = 15:30Z; next is 2026-11-28 09:00 Shanghai
    expect(iso(nextOccurrence(daily9, utc('2026-11-27T15:30:00Z'), SH))).toBe('2026-11-28T01:00:00.000Z');
    // 2026-11-28 00:30 Shanghai = 2026-11-27 16:30Z; the local date is already the 28th
    expect(iso(nextOccurrence(daily9, utc('2026-11-27T16:30:00Z'), SH))).toBe('2026-11-28T01:00:00.000Z');
  });

  it('weekly mon 09:00 asked on a Friday → the next Monday', () => {
    // 2026-11-27 is a Friday; 12:00 Shanghai = 04:00Z
    expect(iso(nextOccurrence(monday9, utc('2026-11-27T04:00:00Z'), SH))).toBe('2026-11-30T01:00:00.000Z');
  });

  it('weekly mon 09:00 asked on Monday 10:00 → the Monday after', () => {
    // 2026-11-30 10:00 Shanghai = 02:00Z
    expect(iso(nextOccurrence(monday9, utc('2026-11-30T02:00:00Z'), SH))).toBe('2026-12-07T01:00:00.000Z');
  });

  it('weekly mon 09:00 asked on Monday 08:00 → the same Monday', () => {
    expect(iso(nextOccurrence(monday9, utc('2026-11-30T00:00:00Z'), SH))).toBe('2026-11-30T01:00:00.000Z');
  });

  it('weekly sun 21:00 asked on Monday → six days later', () => {
    const sunday21: Schedule = { cadence: 'weekly', weekday: 7, time: '21:00' };
    expect(iso(nextOccurrence(sunday21, utc('2026-11-30T02:00:00Z'), SH))).toBe('2026-12-06T13:00:00.000Z');
  });
});

describe('nextOccurrence keeps the local wall-clock time across a DST switch (Europe/Berlin, 2026-03-29)', () => {
  const daily9: Schedule = { cadence: 'daily', weekday: null, time: '09:00' };

  it('daily 09:00: 08:00Z in winter time, 07:00Z in summer time', () => {
    // Saturday 2026-03-28 10:00 CET (UTC+1) = 09:00Z → Sunday 09:00 CEST (UTC+2) = 07:00Z
    const before = nextOccurrence(daily9, utc('2026-03-27T09:00:00Z'), BERLIN);
    expect(iso(before)).toBe('2026-03-28T08:00:00.000Z');
    const after = nextOccurrence(daily9, before, BERLIN);
    expect(iso(after)).toBe('2026-03-29T07:00:00.000Z');
    expect(after - before).toBe(23 * 60 * 60 * 1000);
    expect(formatTime(before, BERLIN)).toBe('2026-03-28 09:00 (Europe/Berlin)');
    expect(formatTime(after, BERLIN)).toBe('2026-03-29 09:00 (Europe/Berlin)');
    expect(iso(nextOccurrence(daily9, after, BERLIN))).toBe('2026-03-30T07:00:00.000Z');
  });

  it('weekly sun 09:00 across the switch stays at 09:00 local', () => {
    const sunday9: Schedule = { cadence: 'weekly', weekday: 7, time: '09:00' };
    const first = nextOccurrence(sunday9, utc('2026-03-20T12:00:00Z'), BERLIN);
    expect(iso(first)).toBe('2026-03-22T08:00:00.000Z');
    const second = nextOccurrence(sunday9, first, BERLIN);
    expect(iso(second)).toBe('2026-03-29T07:00:00.000Z');
    expect(formatTime(second, BERLIN)).toBe('2026-03-29 09:00 (Europe/Berlin)');
  });
});

describe('formatTime', () => {
  it('shows yyyy-MM-dd HH:mm (zone) in the given zone', () => {
    expect(formatTime(utc('2026-11-28T01:00:00Z'), SH)).toBe('2026-11-28 09:00 (Asia/Shanghai)');
    expect(formatTime(utc('2026-12-31T16:05:30Z'), SH)).toBe('2027-01-01 00:05 (Asia/Shanghai)');
    expect(formatTime(utc('2026-07-01T07:09:00Z'), 'UTC')).toBe('2026-07-01 07:09 (UTC)');
  });
});
